"""The national team's console: sign-in with a second factor, approvals and moderation."""
