"""What the benchmarks build on (bench/ never imports tests/): diaries, servers, hostile files.

The tests use these too, so each is declared once.
"""
