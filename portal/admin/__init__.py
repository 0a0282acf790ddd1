"""The national team's console: sign-in with a second factor, approvals, moderation, trusted
organisations, administrators, content status, the audit log and the workforce figures."""
