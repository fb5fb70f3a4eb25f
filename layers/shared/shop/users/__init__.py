"""Accounts: the user's own profile, password and sessions."""
