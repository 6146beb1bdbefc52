"""What the benchmarks need and tests/ must not provide: diaries to measure on, servers to run."""
