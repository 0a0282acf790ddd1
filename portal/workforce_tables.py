"""Workforce figures as tables and CSV (being built)."""
