"""Checkout, orders and the stock held for them."""
