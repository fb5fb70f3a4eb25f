"""Local development stack: PostgreSQL, the AWS emulator, demo data and the local HTTP entry
point. Nothing here ships to AWS."""
