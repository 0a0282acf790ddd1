"""Reading and checking the files in content/ (no database, no Flask)."""
