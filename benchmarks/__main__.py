"""Runs every benchmark and prints its figures."""

from benchmarks import analytics

analytics.main()
