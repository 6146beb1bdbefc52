"""Tests of the benchmarks ' own support code."""
