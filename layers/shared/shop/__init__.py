"""Facet: the one importable package shared by every Lambda function (/opt/python/shop)."""
