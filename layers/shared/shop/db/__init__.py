"""Database access: declarative base, one engine per container, unit-of-work boundaries."""
