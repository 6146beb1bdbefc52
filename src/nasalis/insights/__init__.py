"""Insights: honest personal trigger analysis and N-of-1 experiments (pure functions)."""
