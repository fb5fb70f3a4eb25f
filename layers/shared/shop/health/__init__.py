"""Liveness and readiness of the API and its database."""
