"""`python -m nasalis` runs the CLI."""

from nasalis.cli import main

main()
