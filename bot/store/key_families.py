"""Every family of Redis keys, declared once: its pattern, Redis type, owning workspace, whether a
backup holds it, its expiry and what it means. The backup patterns (`STATE`, `INSTALLATIONS`) and
`bot/store/keys.md` (`python -m bot.store.key_doc > bot/store/keys.md`) are made from these.

A pattern is the key after the prefix (default `smallcaps:`), each variable part named `<PART>`
as in `bot/store/key_checks.py`, where each part's shape is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

from bot.store.key_checks import PARTS, checked

Backup = Literal["state", "installations"]


@dataclass(frozen=True)
class Family:
    pattern: str
    type: Literal["string", "hash", "set", "zset", "list"]
    meaning: str
    owner: str | None = None
    """The part that names the workspace the key belongs to, itself (`WORKSPACE`, `TEAM`) or
    through what it names (`CHANNEL`, a rule's `ID`); None: shared by every workspace."""
    backup: Backup | None = None
    """`state`: in every backup; `installations`: only in a backup asked to hold them."""
    ttl: str | None = None
    """How long Redis keeps a key of the family, when it expires."""

    @cached_property
    def parts(self) -> tuple[str, ...]:
        return tuple(re.findall(r"<([A-Z]+)>", self.pattern))

    @cached_property
    def glob(self) -> str:
        """The Redis `SCAN MATCH` pattern of every key of the family (parts at its end are one
        `*`, which matches colons too)."""
        return re.sub(r"(\*:)+\*$", "*", re.sub(r"<[A-Z]+>", "*", self.pattern))

    @cached_property
    def shape(self) -> re.Pattern[str]:
        """What a key of the family looks like after the prefix, each part in its shape."""
        pieces = re.split(r"<([A-Z]+)>", self.pattern)
        return re.compile(
            "".join(
                re.escape(p) if i % 2 == 0 else f"({PARTS[p].shape.pattern})"
                for i, p in enumerate(pieces)
            )
        )

    @cached_property
    def _template(self) -> str:
        return re.sub(r"<([A-Z]+)>", r"{\1}", self.pattern)

    def key(self, prefix: str, **values: str | int | date) -> str:
        """The key of these parts; ValueError when a part does not fit its shape."""
        return prefix + self._template.format_map(
            {name: checked(name, values[name]) for name in self.parts}
        )


# A table: one family a declaration, kept to the width of the page.
# fmt: off
SECTIONS: tuple[tuple[str, tuple[Family, ...]], ...] = (
    ("Market data", (
        Family("prices:<SYMBOL>", "hash",
               "a Yahoo symbol's prices: `closes` (packed day/close records), `fetched_at` (ISO, "
               "UTC), `last_session` (ISO date of the newest close), and `failure` while its last "
               'refresh failed: JSON `{"at": ISO UTC, "error": text, "tries": n, "unreachable": '
               "bool}`",
               ttl="for a symbol outside the universe that no alert rule watches, "
               "SMALLCAPS_SYMBOL_TTL_SECONDS after it was last asked for (`bot/market/expiry.py`); "
               "the others never expire"),
        Family("prices:<SOURCE>:<CODE>", "hash",
               "the same for a second source (`stooq`, `fred`), by that source's code (`^spx`, "
               "`DGS10`)"),
        Family("lock:prices-refresh", "string",
               "the single-flight lock held while Yahoo is being asked", ttl="120 s"),
        Family("lock:prices-refresh:<SOURCE>", "string",
               "the same for a second source", ttl="120 s"),
        Family("sources:answered", "hash",
               '`<SERIES>` -> JSON `{"source": name, "at": ISO UTC, "spliced": ISO date or '
               "null}`: which source answered a series last"),
        Family("funds:<SYMBOL>", "hash",
               "`<YYYY-MM-DD>` -> JSON fund data recorded that day (multiples and total assets)",
               backup="state"),
        Family("market:version", "string",
               "a counter moved by every write of prices or fund data, in the same transaction: "
               "the data version shared answers are computed on (`bot/market/version.py`)"),
        Family("answers:<DIGEST>", "string",
               "an answer that depends on market data alone, pickled, shared by every workspace "
               "and process; `<DIGEST>` is the SHA-256 of the code, the data version, the "
               "question and its dates (`bot/shared_answers.py`)",
               ttl="until its prices are due to be fetched again, at most 1 hour"),
        Family("lock:answers:<DIGEST>", "string",
               "held while one process computes the answer to a question (`<DIGEST>` of the "
               "code and the question, whatever the data version), so the others wait for it",
               ttl="60 s"),
    )),
    ("Workspaces", (
        Family("levels:<WORKSPACE>", "hash",
               "the Russell 2000 levels a workspace watches, `<value>` -> label, plus `_edited` "
               "once the workspace has changed the defaults",
               owner="WORKSPACE", backup="state"),
        Family("channels:<WORKSPACE>", "set",
               "the workspace's channels that have been given alert rules or a daily summary (the "
               "App Home lists those its user is in; a channel left with neither is dropped when "
               "found)",
               owner="WORKSPACE", backup="state"),
    )),
    ("Alerts (`bot/alerts/store.py`)", (
        Family("alerts:next-id", "string", "a counter: the last rule id given out",
               backup="state"),
        Family("alerts:count", "string", "a counter: how many rules there are, in every channel",
               backup="state"),
        Family("alerts:rule:<ID>", "string",
               "the rule as JSON: what it watches, whose it is, its legs' states",
               owner="ID", backup="state"),
        Family("alerts:channel:<CHANNEL>", "set", "ids of the rules that belong to a channel",
               owner="CHANNEL", backup="state"),
        Family("alerts:cross:<SIDE>:<FEED>", "zset", "`<ID>` of armed legs, scored by threshold",
               backup="state"),
        Family("alerts:band:<SIDE>:<FEED>", "zset", "`<ID>` of fired legs, scored by re-arm level",
               backup="state"),
        Family("alerts:feeds", "set",
               "the feeds (`close:level:^RUT`, ...) that have live rules: the feeds the clock "
               "fetches and evaluates. A feed leaves it, with its `alerts:last` entry, when its "
               "last live rule is removed or retires (once `alerts:feeds:indexed` is set)",
               backup="state"),
        Family("alerts:feeds:indexed", "string",
               "set once every rule has its place in `alerts:live:*` (written by the first tick "
               "after an upgrade); until then no feed is pruned",
               backup="state"),
        Family("alerts:live:<FEED>", "set", "ids of the feed's live rules (any leg not retired)",
               backup="state"),
        Family("alerts:last", "hash",
               "`<FEED>` -> the newest observation walked (JSON: at, session, value, price)",
               backup="state"),
        Family("alerts:outbox", "hash",
               "`<FIRING>` -> the alert message (JSON) waiting to be posted", backup="state"),
        Family("alerts:sent:<FIRING>", "string",
               "the claim taken before posting a firing (`<FIRING>` is `<ID>-<up|down>-<N>`)",
               owner="FIRING", backup="state", ttl="30 days"),
        Family("alerts:retries", "hash",
               '`<FIRING>` -> JSON `{"tries": n, "since": ISO, "next": ISO, "reason": text}`: a '
               "firing whose post failed for a passing reason, and when it is tried again"),
        Family("alerts:subscribed:<WORKSPACE>", "set", "channels that get the built-in alerts",
               owner="WORKSPACE", backup="state"),
        Family("alerts:ticks", "hash",
               "the last evaluation: `at`, `held` (why nothing could fire), `holds` (JSON: each "
               "held feed and why), `feeds`"),
        Family("lock:alerts", "string", "held while rules are evaluated or changed", ttl="60 s"),
        Family("lock:clock", "string",
               "the active clock's lease: the owner's name (`bot/store/lease.py`)",
               ttl="30 s unless its owner renews it"),
    )),
    ("Daily summaries (`bot/summaries/store.py`)", (
        Family("daily:channel:<CHANNEL>", "string",
               "the channel's subscription as JSON: workspace, time and zone, who made it and "
               "when, the next summary's due time and its failed attempts so far",
               owner="CHANNEL", backup="state"),
        Family("daily:due", "zset",
               "`<CHANNEL>` scored by when the dispatcher should next act on it (epoch seconds): "
               "the due time, a retry's time, or the end of a dispatcher's claim",
               backup="state"),
        Family("daily:sent:<CHANNEL>:<SESSION>", "string",
               "the claim of one channel's summary of one session (JSON: step posting, posted, "
               "charting, sent, failed or skipped; by whom, when, the message's ts)",
               owner="CHANNEL", backup="state", ttl="8 days"),
        Family("daily:runs", "hash", "the last dispatch: `at` and its figures as JSON"),
    )),
    ("Slack installations (`bot/slack/installations.py`): values encrypted with "
     "SMALLCAPS_TOKEN_KEY; `<ENTERPRISE>` and `<TEAM>` are `-` where there is none (an org-wide "
     "install has no team)", (
        Family("installs:<ENTERPRISE>:<TEAM>:bot", "string",
               "the bot installation (token, refresh token, expiry)",
               owner="TEAM", backup="installations"),
        Family("installs:<ENTERPRISE>:<TEAM>:installer", "string", "the latest installation",
               owner="TEAM", backup="installations"),
        Family("installs:<ENTERPRISE>:<TEAM>:installer:<USER>", "string",
               "each installing user's installation", owner="TEAM", backup="installations"),
        Family("installs:workspaces", "hash",
               "`<WORKSPACE>` -> `<ENTERPRISE>` or `<ENTERPRISE>:org`: how the clock finds a "
               "workspace's installation",
               backup="installations"),
        Family("oauth-state:<STATE>", "string", "a one-time OAuth state value", ttl="600 s"),
        Family("lock:token-rotation:<ENTERPRISE>:<TEAM>", "string",
               "held while a token is refreshed, by every process (Bolt's authorize in `web`, the "
               "clock's clients)",
               owner="TEAM", ttl="30 s"),
        Family("tokens:unreadable", "hash",
               "`<ENTERPRISE>:<TEAM>` -> ISO UTC time an installation was last found that no key "
               "of SMALLCAPS_TOKEN_KEY decrypts (an operator error, cleared once read)"),
    )),
    ("Operations", (
        Family("seen:<DIGEST>", "string",
               "a Slack delivery already let in (`bot/slack/guard.py`), so a retry or a replay "
               "never runs a command twice",
               ttl="1 hour"),
        Family("posts:failed:<WORKSPACE>", "list",
               "the workspace's newest posts given up for good (at most 50, newest first), each "
               'JSON `{"kind": alert|summary, "channel", "at": ISO UTC, "reason"}`',
               owner="WORKSPACE"),
        Family("posts:failed", "hash", "`<WORKSPACE>` -> how many posts were given up for good"),
        Family("rate:<WORKSPACE>:<WINDOW>", "string",
               "how many commands the workspace made that had to ask an upstream source in one "
               "window (`<WINDOW>` is its start, epoch seconds; `bot/upstream_rate.py`)",
               owner="WORKSPACE", ttl="two windows"),
        Family("rate:<WORKSPACE>:<USER>:<WINDOW>", "string",
               "the same for one person in the workspace", owner="WORKSPACE", ttl="two windows"),
        Family("jobs:<JOB>", "hash",
               "the clock's record of one job: `runs`, `failures`, `last_success`, "
               "`last_error_at`, `last_error`"),
    )),
)
# fmt: on

FAMILIES: dict[str, Family] = {f.pattern: f for _, families in SECTIONS for f in families}
"""Every family, by its pattern."""


def _globs(backup: Backup) -> tuple[str, ...]:
    return tuple(f.glob for f in FAMILIES.values() if f.backup == backup)


STATE = _globs("state")
"""What a backup holds, as patterns of keys after the prefix: everything a person made or the bot
cannot fetch again (rules, subscriptions, watched levels, alert state and claims, recorded fund
data). Prices, locks, seen deliveries and job records are left out."""

INSTALLATIONS = _globs("installations")
"""Slack installations (tokens, encrypted): in a backup only when asked for."""
