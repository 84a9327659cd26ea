"""Benchmarks: `script/bench` (or `python -m benchmarks`) runs them all and prints their figures."""
