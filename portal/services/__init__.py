"""The only code that queries or changes the database. Services flush, never commit."""
