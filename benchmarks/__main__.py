"""Runs every benchmark and prints its figures."""

from benchmarks import alerts, analytics, http, load, shared_answers, summaries, symbols

analytics.main()
print()
http.main()
print()
alerts.main()
print()
summaries.main()
print()
load.main()
print()
symbols.main()
print()
shared_answers.main()
