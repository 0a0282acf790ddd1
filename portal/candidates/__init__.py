"""Candidates' own accounts under /account: saved items, alerts, expressions of interest, their data."""
