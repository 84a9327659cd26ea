"""Every Redis key the bot uses, in one place. Nothing else builds a key.

Layout (prefix default `smallcaps:`):

- `prices:<SYMBOL>` (hash, expires for some): `closes` (packed day/close records), `fetched_at`
  (ISO, UTC), `last_session` (ISO date of the newest close), and `failure` while its last
  refresh failed: JSON `{"at": ISO UTC, "error": text, "tries": n, "unreachable": bool}`. A
  symbol outside the universe that no alert rule watches expires SMALLCAPS_SYMBOL_TTL_SECONDS
  after it was last asked for (`bot/market/expiry.py`); the others never expire.
- `lock:prices-refresh` (string): the single-flight lock held while Yahoo is being asked.
- `prices:<SOURCE>:<CODE>`, `lock:prices-refresh:<SOURCE>`: the same for a second source
  (`stooq`, `fred`), by that source's code (`^spx`, `DGS10`).
- `sources:answered` (hash): `<SERIES>` -> JSON `{"source": name, "at": ISO UTC, "spliced":
  ISO date or null}`: which source answered a series last.
- `funds:<SYMBOL>` (hash): `<YYYY-MM-DD>` -> JSON fund data recorded that day (multiples and
  total assets).
- `levels:<WORKSPACE>` (hash): the Russell 2000 levels a workspace watches, `<value>` -> label,
  plus `_edited` once the workspace has changed the defaults.
- `channels:<WORKSPACE>` (set): the workspace's channels that have been given alert rules or a
  daily summary (the App Home lists those its user is in; a channel left with neither is
  dropped when found).

Alerts (see `bot/alerts/store.py`):

- `alerts:next-id` (counter): the last rule id given out.
- `alerts:count` (counter): how many rules there are, in every channel.
- `alerts:rule:<ID>` (string): the rule as JSON: what it watches, whose it is, its legs' states.
- `alerts:channel:<CHANNEL>` (set): ids of the rules that belong to a channel.
- `alerts:cross:<up|down>:<FEED>` (sorted set): `<ID>` of armed legs, scored by threshold.
- `alerts:band:<up|down>:<FEED>` (sorted set): `<ID>` of fired legs, scored by re-arm level.
- `alerts:feeds` (set): the feeds (`close:level:^RUT`, ...) that have live rules: the feeds the
  clock fetches and evaluates. A feed leaves it, with its `alerts:last` entry, when its last live
  rule is removed or retires (once `alerts:feeds:indexed` is set).
- `alerts:live:<FEED>` (set): ids of the feed's live rules (any leg not retired).
- `alerts:feeds:indexed` (string): set once every rule has its place in `alerts:live:*`
  (written by the first tick after an upgrade); until then no feed is pruned.
- `alerts:last` (hash): `<FEED>` -> the newest observation walked (JSON: at, session, value,
  price).
- `alerts:outbox` (hash): `<FIRING>` -> the alert message (JSON) waiting to be posted.
- `alerts:sent:<FIRING>` (string, expires): the claim taken before posting a firing.
- `alerts:retries` (hash): `<FIRING>` -> JSON `{"tries": n, "since": ISO, "next": ISO,
  "reason": text}`: a firing whose post failed for a passing reason, and when it is tried again.
- `alerts:subscribed:<WORKSPACE>` (set): channels that get the built-in alerts.
- `alerts:ticks` (hash): the last evaluation: `at`, `held` (why nothing could fire), `holds`
  (JSON: each held feed and why), `feeds`.
- `lock:alerts` (string): held while rules are evaluated or changed.
- `lock:clock` (string, expires): the active clock's lease: the owner's name, expired by Redis
  unless renewed (see `bot/store/lease.py`).

Slack installations (many-workspace mode; see `bot/slack/installations.py`), each value
encrypted with SMALLCAPS_TOKEN_KEY; `<ENTERPRISE>` and `<TEAM>` are `-` where there is none (an
org-wide install has no team):

- `installs:<ENTERPRISE>:<TEAM>:bot` (string): the bot installation (token, refresh token,
  expiry).
- `installs:<ENTERPRISE>:<TEAM>:installer` and `...:installer:<USER>` (string): the latest
  installation, and each installing user's.
- `installs:workspaces` (hash): `<WORKSPACE>` -> `<ENTERPRISE>` or `<ENTERPRISE>:org`, how the
  clock finds a workspace's installation.
- `oauth-state:<STATE>` (string, expires): a one-time OAuth state value.
- `lock:token-rotation:<ENTERPRISE>:<TEAM>` (string): held while a token is refreshed, by
  every process (Bolt's authorize in `web`, the clock's clients).
- `tokens:unreadable` (hash): `<ENTERPRISE>:<TEAM>` -> ISO UTC time an installation was last
  found that no key of SMALLCAPS_TOKEN_KEY decrypts (an operator error, cleared once read).

Operations:

- `seen:<SHA256>` (string, expires): a Slack delivery already let in (see
  `bot/slack/guard.py`), so a retry or a replay never runs a command twice.
- `posts:failed:<WORKSPACE>` (list): the workspace's newest posts given up for good (at most 50,
  newest first), each JSON `{"kind": alert|summary, "channel", "at": ISO UTC, "reason"}`.
- `posts:failed` (hash): `<WORKSPACE>` -> how many posts were given up for good.
- `rate:<WORKSPACE>:<WINDOW>` and `rate:<WORKSPACE>:<USER>:<WINDOW>` (string, expires after
  two windows): how many commands the workspace, and one person in it, made that had to ask an
  upstream source in one window (`<WINDOW>` is the window's start, epoch seconds; see
  `bot/upstream_rate.py`).
- `jobs:<JOB>` (hash): the clock's record of one job: `runs`, `failures`, `last_success`,
  `last_error_at`, `last_error`.

Daily summaries (see `bot/summaries/store.py`):

- `daily:channel:<CHANNEL>` (string): the channel's subscription as JSON: workspace, time and
  zone, who made it and when, the next summary's due time and its failed attempts so far.
- `daily:due` (sorted set): `<CHANNEL>` scored by when the dispatcher should next act on it
  (epoch seconds): the due time, a retry's time, or the end of a dispatcher's claim.
- `daily:sent:<CHANNEL>:<SESSION>` (string, expires): the idempotency claim of one channel's
  summary of one session (JSON: step posting, posted, charting, sent, failed or skipped; by whom,
  when, the message's ts).
- `daily:runs` (hash): the last dispatch: `at` and its figures as JSON.

What a backup holds (`python -m bot state export`) is `STATE`: everything a person made or
the bot cannot fetch again (rules, subscriptions, watched levels, alert state and claims,
recorded fund data). Prices, locks, seen deliveries and job records are left out.

Symbols and workspace ids are checked against their shapes before they become part of a key, so
user text can never form, or collide with, another key.
"""

from __future__ import annotations

import re
from datetime import date

STATE = (
    "levels:*",
    "channels:*",
    "funds:*",
    "alerts:next-id",
    "alerts:count",
    "alerts:rule:*",
    "alerts:channel:*",
    "alerts:cross:*",
    "alerts:band:*",
    "alerts:feeds",
    "alerts:feeds:indexed",
    "alerts:live:*",
    "alerts:last",
    "alerts:outbox",
    "alerts:sent:*",
    "alerts:subscribed:*",
    "daily:channel:*",
    "daily:due",
    "daily:sent:*",
)
"""The state a backup holds, as patterns of keys after the prefix."""

INSTALLATIONS = ("installs:*",)
"""Slack installations (tokens, encrypted): in a backup only when asked for."""

_SYMBOL = re.compile(r"\^?[A-Z0-9][A-Z0-9.\-=]{0,14}")


def checked_symbol(symbol: str) -> str:
    if not _SYMBOL.fullmatch(symbol):
        raise ValueError(f"not a Yahoo symbol: {symbol!r}")
    return symbol


_SOURCE = re.compile(r"stooq|fred")
_CODE = re.compile(r"\^?[A-Za-z0-9][A-Za-z0-9.\-_]{0,30}")


def checked_source(source: str) -> str:
    if not _SOURCE.fullmatch(source):
        raise ValueError(f"not a second source: {source!r}")
    return source


def checked_code(code: str) -> str:
    if not _CODE.fullmatch(code):
        raise ValueError(f"not a source's series code: {code!r}")
    return code


_FEED = re.compile(r"(close|intraday):[a-z0-9-]{1,20}:(fred:)?\^?[A-Z0-9][A-Z0-9.\-=^/]{0,31}")


def checked_feed(feed: str) -> str:
    if not _FEED.fullmatch(feed):
        raise ValueError(f"not an alert feed: {feed!r}")
    return feed


_FIRING = re.compile(r"\d{1,12}-(up|down)-\d{1,12}")


_DIGEST = re.compile(r"[0-9a-f]{64}")
_JOB = re.compile(r"[a-z][a-z-]{0,31}")


_WORKSPACE = re.compile(r"[A-Za-z0-9_-]{1,32}")
_STATE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def checked_workspace(workspace: str) -> str:
    if not _WORKSPACE.fullmatch(workspace):
        raise ValueError(f"not a workspace id: {workspace!r}")
    return workspace


def checked_channel(channel: str) -> str:
    if not _WORKSPACE.fullmatch(channel):
        raise ValueError(f"not a channel id: {channel!r}")
    return channel


class Keys:
    def __init__(self, prefix: str = "smallcaps:") -> None:
        self.prefix = prefix

    def prices(self, symbol: str, source: str = "yahoo") -> str:
        if source == "yahoo":
            return f"{self.prefix}prices:{checked_symbol(symbol)}"
        return f"{self.prefix}prices:{checked_source(source)}:{checked_code(symbol)}"

    def prices_refresh_lock(self, source: str = "yahoo") -> str:
        if source == "yahoo":
            return f"{self.prefix}lock:prices-refresh"
        return f"{self.prefix}lock:prices-refresh:{checked_source(source)}"

    def series_answered(self) -> str:
        return f"{self.prefix}sources:answered"

    def fund_snapshots(self, symbol: str) -> str:
        return f"{self.prefix}funds:{checked_symbol(symbol)}"

    def watched_levels(self, workspace: str) -> str:
        return f"{self.prefix}levels:{checked_workspace(workspace)}"

    def workspace_channels(self, workspace: str) -> str:
        return f"{self.prefix}channels:{checked_workspace(workspace)}"

    def alert_next_id(self) -> str:
        return f"{self.prefix}alerts:next-id"

    def alert_count(self) -> str:
        return f"{self.prefix}alerts:count"

    def alert_rule(self, rule_id: int) -> str:
        return f"{self.prefix}alerts:rule:{int(rule_id)}"

    def alert_channel(self, channel: str) -> str:
        return f"{self.prefix}alerts:channel:{checked_channel(channel)}"

    def alert_index(self, watching: str, side: str, feed: str) -> str:
        if watching not in ("cross", "band") or side not in ("up", "down"):
            raise ValueError(f"not an alert index: {watching} {side}")
        return f"{self.prefix}alerts:{watching}:{side}:{checked_feed(feed)}"

    def alert_feeds(self) -> str:
        return f"{self.prefix}alerts:feeds"

    def alert_live(self, feed: str) -> str:
        return f"{self.prefix}alerts:live:{checked_feed(feed)}"

    def alert_feeds_indexed(self) -> str:
        return f"{self.prefix}alerts:feeds:indexed"

    def alert_rule_all(self) -> str:
        """The pattern of every rule's key (`alerts:rule:<ID>`)."""
        return f"{self.prefix}alerts:rule:*"

    def alert_lasts(self) -> str:
        return f"{self.prefix}alerts:last"

    def alert_outbox(self) -> str:
        return f"{self.prefix}alerts:outbox"

    def alert_sent(self, firing: str) -> str:
        if not _FIRING.fullmatch(firing):
            raise ValueError(f"not a firing id: {firing!r}")
        return f"{self.prefix}alerts:sent:{firing}"

    def alert_sent_all(self) -> str:
        """The pattern of every firing's claim (`alerts:sent:<RULE>-<SIDE>-<N>`)."""
        return f"{self.prefix}alerts:sent:*"

    def alert_retries(self) -> str:
        return f"{self.prefix}alerts:retries"

    def alert_subscribers(self, workspace: str) -> str:
        return f"{self.prefix}alerts:subscribed:{checked_workspace(workspace)}"

    def alert_ticks(self) -> str:
        return f"{self.prefix}alerts:ticks"

    def alerts_lock(self) -> str:
        return f"{self.prefix}lock:alerts"

    def clock_lease(self) -> str:
        return f"{self.prefix}lock:clock"

    def seen_delivery(self, digest: str) -> str:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        return f"{self.prefix}seen:{digest}"

    def upstream_rate(self, workspace: str, window: int, user: str | None = None) -> str:
        """A workspace's count in one window, or one of its users' when `user` is given."""
        who = f"{checked_workspace(user)}:" if user is not None else ""
        return f"{self.prefix}rate:{checked_workspace(workspace)}:{who}{int(window)}"

    def job(self, name: str) -> str:
        if not _JOB.fullmatch(name):
            raise ValueError(f"not a job name: {name!r}")
        return f"{self.prefix}jobs:{name}"

    def installation(self, enterprise: str, team: str, part: str, user: str | None = None) -> str:
        """`part` is `bot` or `installer` (with a user: that user's installation)."""
        if part not in ("bot", "installer") or (user is not None and part != "installer"):
            raise ValueError(f"not an installation part: {part}")
        who = f":{checked_workspace(user)}" if user is not None else ""
        return (
            f"{self.prefix}installs:{checked_workspace(enterprise)}:"
            f"{checked_workspace(team)}:{part}{who}"
        )

    def installations_of(self, enterprise: str, team: str) -> str:
        """The pattern of every installation key of one workspace (or org)."""
        return f"{self.prefix}installs:{checked_workspace(enterprise)}:{checked_workspace(team)}:*"

    def installations_all(self) -> str:
        """The pattern of every installation key (and `installs:workspaces`)."""
        return f"{self.prefix}installs:*"

    def installed_workspaces(self) -> str:
        return f"{self.prefix}installs:workspaces"

    def oauth_state(self, state: str) -> str:
        if not _STATE.fullmatch(state):
            raise ValueError("not an OAuth state value")
        return f"{self.prefix}oauth-state:{state}"

    def token_rotation_lock(self, enterprise: str, team: str) -> str:
        return (
            f"{self.prefix}lock:token-rotation:{checked_workspace(enterprise)}:"
            f"{checked_workspace(team)}"
        )

    def unreadable_installations(self) -> str:
        return f"{self.prefix}tokens:unreadable"

    def failed_posts(self, workspace: str) -> str:
        return f"{self.prefix}posts:failed:{checked_workspace(workspace)}"

    def failed_counts(self) -> str:
        return f"{self.prefix}posts:failed"

    def daily_subscription(self, channel: str) -> str:
        return f"{self.prefix}daily:channel:{checked_channel(channel)}"

    def daily_due(self) -> str:
        return f"{self.prefix}daily:due"

    def daily_sent(self, channel: str, session: date) -> str:
        return f"{self.prefix}daily:sent:{checked_channel(channel)}:{session.isoformat()}"

    def daily_sent_all(self) -> str:
        """The pattern of every summary's claim (`daily:sent:<CHANNEL>:<SESSION>`)."""
        return f"{self.prefix}daily:sent:*"

    def daily_runs(self) -> str:
        return f"{self.prefix}daily:runs"
