"""Stripe: the API client, webhook verification and the events that move orders."""
