"""The diary: episodes, daily check-ins, medicines and notes, in SQLite or PostgreSQL."""
