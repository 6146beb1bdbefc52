"""Terminal presentation (Rich): views and prompts used by the CLI only."""
