"""Organisations: sign-up, sign-in, members, and posting and importing their opportunities."""
