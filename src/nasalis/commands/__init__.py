"""CLI command modules; nasalis.cli assembles them into one Typer app."""
