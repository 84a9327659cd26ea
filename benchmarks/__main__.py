"""Runs every benchmark and prints its figures."""

from benchmarks import alerts, analytics, http

analytics.main()
print()
http.main()
print()
alerts.main()
