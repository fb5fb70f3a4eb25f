"""Identity: accounts, passwords, sessions and the signed tokens that carry them."""
