"""Runs every benchmark and prints its figures."""

from benchmarks import analytics, http

analytics.main()
print()
http.main()
