"""The declared key families, the keys `Keys` makes, the backup set and `bot/store/keys.md`
cannot drift apart."""

from __future__ import annotations

import fnmatch
import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.alerts.outbox import SENT_CLAIM_SECONDS as ALERT_CLAIM_SECONDS
from bot.alerts.store import LOCK_SECONDS
from bot.slack.guard import SEEN_SECONDS
from bot.slack.installations import STATE_SECONDS
from bot.store.key_doc import markdown
from bot.store.key_families import FAMILIES, INSTALLATIONS, STATE, Family
from bot.store.keys import Keys
from bot.store.lease import LEASE
from bot.summaries.store import SENT_CLAIM_SECONDS as SUMMARY_CLAIM_SECONDS

FEED = "close:level:^RUT"
KEYS: dict[str, list[Callable[[Keys], str]]] = {
    "prices": [lambda k: k.prices("^RUT"), lambda k: k.prices("^spx", "stooq")],
    "prices_refresh_lock": [
        lambda k: k.prices_refresh_lock(),
        lambda k: k.prices_refresh_lock("fred"),
    ],
    "series_answered": [lambda k: k.series_answered()],
    "fund_snapshots": [lambda k: k.fund_snapshots("IWM")],
    "market_version": [lambda k: k.market_version()],
    "shared_answer": [lambda k: k.shared_answer("0" * 64)],
    "shared_answer_lock": [lambda k: k.shared_answer_lock("f" * 64)],
    "watched_levels": [lambda k: k.watched_levels("T1")],
    "workspace_channels": [lambda k: k.workspace_channels("T1")],
    "alert_next_id": [lambda k: k.alert_next_id()],
    "alert_count": [lambda k: k.alert_count()],
    "alert_rule": [lambda k: k.alert_rule(7)],
    "alert_channel": [lambda k: k.alert_channel("C1")],
    "alert_index": [
        lambda k: k.alert_index("cross", "up", FEED),
        lambda k: k.alert_index("band", "down", FEED),
    ],
    "alert_feeds": [lambda k: k.alert_feeds()],
    "alert_live": [lambda k: k.alert_live(FEED)],
    "alert_feeds_indexed": [lambda k: k.alert_feeds_indexed()],
    "alert_lasts": [lambda k: k.alert_lasts()],
    "alert_outbox": [lambda k: k.alert_outbox()],
    "alert_sent": [lambda k: k.alert_sent("7-up-1")],
    "alert_retries": [lambda k: k.alert_retries()],
    "alert_subscribers": [lambda k: k.alert_subscribers("T1")],
    "alert_ticks": [lambda k: k.alert_ticks()],
    "alerts_lock": [lambda k: k.alerts_lock()],
    "clock_lease": [lambda k: k.clock_lease()],
    "seen_delivery": [lambda k: k.seen_delivery("a" * 64)],
    "upstream_rate": [
        lambda k: k.upstream_rate("T1", 60),
        lambda k: k.upstream_rate("T1", 60, "U1"),
    ],
    "job": [lambda k: k.job("record-funds")],
    "installation": [
        lambda k: k.installation("E1", "T1", "bot"),
        lambda k: k.installation("-", "T1", "installer"),
        lambda k: k.installation("E1", "-", "installer", "U1"),
    ],
    "installed_workspaces": [lambda k: k.installed_workspaces()],
    "oauth_state": [lambda k: k.oauth_state("s" * 16)],
    "token_rotation_lock": [lambda k: k.token_rotation_lock("E1", "T1")],
    "unreadable_installations": [lambda k: k.unreadable_installations()],
    "failed_posts": [lambda k: k.failed_posts("T1")],
    "failed_counts": [lambda k: k.failed_counts()],
    "daily_subscription": [lambda k: k.daily_subscription("C1")],
    "daily_due": [lambda k: k.daily_due()],
    "daily_sent": [lambda k: k.daily_sent("C1", date(2026, 1, 2))],
    "daily_runs": [lambda k: k.daily_runs()],
}
"""Each method of `Keys` that makes a key, called once for each family it can make."""

PATTERNS: dict[str, Callable[[Keys], str]] = {
    "alert_rule_all": lambda k: k.alert_rule_all(),
    "alert_sent_all": lambda k: k.alert_sent_all(),
    "daily_sent_all": lambda k: k.daily_sent_all(),
    "installations_of": lambda k: k.installations_of("E1", "T1"),
    "installations_all": lambda k: k.installations_all(),
}
"""The methods that make a `SCAN MATCH` pattern, not a key."""


def _made() -> list[str]:
    return [make(Keys("")) for makers in KEYS.values() for make in makers]


def _families_of(key: str) -> list[Family]:
    return [f for f in FAMILIES.values() if f.shape.fullmatch(key)]


def test_every_method_of_keys_is_called_here() -> None:
    methods = {n for n, _ in inspect.getmembers(Keys, inspect.isfunction) if not n.startswith("_")}
    assert methods == set(KEYS) | set(PATTERNS)


@pytest.mark.parametrize("key", _made())
def test_every_key_made_is_of_exactly_one_family(key: str) -> None:
    assert [f.pattern for f in _families_of(key)] != [], f"{key!r} is of no declared family"
    assert len(_families_of(key)) == 1, f"{key!r} is of several families"


def test_every_family_declared_is_made_by_some_method() -> None:
    made = {_families_of(key)[0].pattern for key in _made()}
    assert set(FAMILIES) - made == set()


def test_the_prefix_comes_first() -> None:
    assert [make(Keys("p:")) for makers in KEYS.values() for make in makers] == [
        "p:" + key for key in _made()
    ]


def test_the_backup_holds_exactly_the_state_families() -> None:
    for key in _made():
        (family,) = _families_of(key)
        assert any(fnmatch.fnmatchcase(key, g) for g in STATE) == (family.backup == "state"), key
        assert any(fnmatch.fnmatchcase(key, g) for g in INSTALLATIONS) == (
            family.backup == "installations"
        ), key


def test_patterns_match_the_keys_of_their_families() -> None:
    k = Keys("")
    assert k.alert_rule_all() == FAMILIES["alerts:rule:<ID>"].glob
    for name, make in PATTERNS.items():
        matched = {
            _families_of(key)[0].pattern for key in _made() if fnmatch.fnmatchcase(key, make(k))
        }
        assert matched, name
    installs = {f.pattern for f in FAMILIES.values() if f.backup == "installations"}
    assert {
        _families_of(key)[0].pattern
        for key in _made()
        if fnmatch.fnmatchcase(key, k.installations_all())
    } == installs


def test_every_owner_is_a_part_of_its_pattern() -> None:
    for family in FAMILIES.values():
        assert family.owner is None or family.owner in family.parts, family.pattern


@pytest.mark.parametrize(
    ("pattern", "seconds"),
    [
        ("alerts:sent:<FIRING>", ALERT_CLAIM_SECONDS),
        ("daily:sent:<CHANNEL>:<SESSION>", SUMMARY_CLAIM_SECONDS),
        ("seen:<DIGEST>", SEEN_SECONDS),
        ("oauth-state:<STATE>", STATE_SECONDS),
        ("lock:alerts", LOCK_SECONDS),
        ("lock:clock", LEASE.total_seconds()),
    ],
)
def test_declared_expiries_are_the_code_s(pattern: str, seconds: float) -> None:
    ttl = FAMILIES[pattern].ttl or ""
    said = {86400: "days", 3600: "hour", 1: "s"}
    unit = next(u for u in said if seconds % u == 0)
    number = int(seconds // unit)
    assert ttl.startswith(f"{number} {said[unit]}" if number != 1 else f"1 {said[unit]}"), ttl


def test_the_committed_layout_is_the_declared_one() -> None:
    committed = Path(__file__).parents[2] / "bot" / "store" / "keys.md"
    assert committed.read_text() == markdown(), (
        "bot/store/keys.md is out of date: python -m bot.store.key_doc > bot/store/keys.md"
    )
