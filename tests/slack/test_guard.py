"""The guard in front of `/slack/events`, driven over real HTTP the way Slack (or a forger) would.

Every refusal is its exact 4xx and runs nothing: no answer ever reaches the `response_url` of a
refused request. A Slack retry is acknowledged and not run again; a replay is refused. And no
command text, however odd, gets anything but a 200 and an answer that is not an internal error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import itertools
import json
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from bot.slack.guard import MAX_BODY
from bot.slack.views.blocks import MAX_BLOCKS
from handlers.slack.alert_form import opens_alert_form
from tests.slack.conftest import SECRET, Bot, forged_signature, new_trigger_id
from tests.slack.standin import Call
from tests.slack.validation import block_problems, text_of

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
INTERNAL_ERROR = "something went wrong on our side"


@dataclass
class Raw:
    status: int
    headers: dict[str, str]
    """Header names lower-cased."""
    body: bytes


def send(
    bot: Bot,
    method: str,
    body: bytes | Iterable[bytes] | None = None,
    headers: dict[str, str] | None = None,
    path: str = "/slack/events",
    length: bool = True,
) -> Raw:
    """One request as given, over http.client: `length=False` sends no Content-Length at all,
    an iterable body goes chunked."""
    parts = urlsplit(bot.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        if length:
            connection.request(method, path, body=body, headers=headers or {})
        else:
            assert body is None, "a body without a length would be read as the next request"
            connection.putrequest(method, path)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
        response = connection.getresponse()
        return Raw(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def signed(
    body: bytes, content_type: str | None = FORM, stamp: int | None = None
) -> dict[str, str]:
    """Headers as Slack sends them for `body`: its type, a timestamp and the signature."""
    timestamp = str(int(time.time()) if stamp is None else stamp)
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(body, timestamp),
    }
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    """Slack's `v0` signature, over the body's bytes whatever they are (slack-sdk's own
    `generate_signature` decodes the body as UTF-8 first)."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(
    bot: Bot, text: str, response: str, trigger_id: str | None = None, **fields: str
) -> bytes:
    """A slash command's form, as `Bot.command` sends it; `trigger_id=""` leaves it out."""
    form = {
        "token": "legacy",
        "team_id": "T0TEST",
        "channel_id": "C0CHAN",
        "user_id": "U0ASKER",
        "command": "/smallcaps",
        "text": text,
        "response_url": bot.stand_in.response_url(response),
        "trigger_id": new_trigger_id() if trigger_id is None else trigger_id,
        **fields,
    }
    return urlencode({k: v for k, v in form.items() if v}).encode()


def responses(bot: Bot) -> list[str]:
    return [c.method for c in bot.stand_in.calls if c.method.startswith("response/")]


def assert_nothing_ran(bot: Bot, names: Iterable[str]) -> None:
    """A genuine command after the refused ones is answered; none of theirs ever is."""
    assert bot.command("help", response="genuine").status == 200
    bot.stand_in.wait_for("response/genuine")
    time.sleep(0.2)  # a listener started before the genuine one would have answered by now
    for name in names:
        assert bot.stand_in.calls_to(f"response/{name}") == [], name
    assert responses(bot) == ["response/genuine"]


REASONS = {
    400: b"malformed: ",
    401: b"signature: ",
    405: b"method: ",
    409: b"replay: ",
    411: b"length: ",
    413: b"size: ",
    415: b"content type: ",
}
"""How the guard's one-line reasons start: a refusal by waitress itself would not."""


def refusals(bot: Bot, expected: int, cases: dict[str, Raw]) -> None:
    """Each case refused by the guard with `expected`, then nothing of theirs ever ran."""
    wrong = {name: (raw.status, raw.body) for name, raw in cases.items() if raw.status != expected}
    assert wrong == {}, f"expected {expected} for every case"
    for name, raw in cases.items():
        assert raw.headers["content-type"].startswith("text/plain"), name
        assert raw.body.startswith(REASONS[expected]), (name, raw.body)
    assert_nothing_ran(bot, cases)


# --- signatures -------------------------------------------------------------------------------


def test_forged_signatures_are_401_and_run_nothing(bot: Bot) -> None:
    stamp = int(time.time())
    forged = command_body(bot, "help", "forged")
    tampered = command_body(bot, "help", "tampered")
    other_scheme = command_body(bot, "help", "other-scheme")
    good = signed(other_scheme)["X-Slack-Signature"]
    cases = {
        "forged": send(
            bot,
            "POST",
            forged,
            {
                "Content-Type": FORM,
                "X-Slack-Request-Timestamp": str(stamp),
                "X-Slack-Signature": forged_signature(forged, stamp),
            },
        ),
        # signed for one body, sent with another: the signature covers the body
        "tampered": send(bot, "POST", tampered, signed(tampered.replace(b"tampered", b"tamperex"))),
        "other-scheme": send(
            bot,
            "POST",
            other_scheme,
            {**signed(other_scheme), "X-Slack-Signature": good.replace("v0=", "v1=")},
        ),
    }
    assert bot.forged(command_body(bot, "help", "bot-forged")).status == 401
    refusals(bot, 401, cases)
    assert bot.stand_in.calls_to("response/bot-forged") == []


Headers = dict[str, str]
MISSING: dict[str, Callable[[Headers], Headers]] = {
    "no-signature": lambda headers: {k: v for k, v in headers.items() if "Signature" not in k},
    "empty-signature": lambda headers: {**headers, "X-Slack-Signature": ""},
    "bare-signature": lambda headers: {
        **headers,
        "X-Slack-Signature": headers["X-Slack-Signature"].removeprefix("v0="),
    },
}
UNREADABLE_TIMESTAMP: dict[str, Callable[[Headers], Headers]] = {
    "no-headers": lambda headers: {"Content-Type": FORM},
    "no-timestamp": lambda headers: {k: v for k, v in headers.items() if "Timestamp" not in k},
    "empty-timestamp": lambda headers: {**headers, "X-Slack-Request-Timestamp": ""},
    "word-timestamp": lambda headers: {**headers, "X-Slack-Request-Timestamp": "soon"},
    "float-timestamp": lambda headers: {
        **headers,
        "X-Slack-Request-Timestamp": headers["X-Slack-Request-Timestamp"] + ".5",
    },
}


@pytest.mark.parametrize("case", list(MISSING))
def test_missing_signature_headers_are_401_and_run_nothing(bot: Bot, case: str) -> None:
    body = command_body(bot, "help", case)
    reply = send(bot, "POST", body, MISSING[case](signed(body)))
    refusals(bot, 401, {case: reply})


@pytest.mark.parametrize("case", list(UNREADABLE_TIMESTAMP))
def test_a_missing_or_unreadable_timestamp_is_401_and_runs_nothing(bot: Bot, case: str) -> None:
    body = command_body(bot, "help", case)
    reply = send(bot, "POST", body, UNREADABLE_TIMESTAMP[case](signed(body)))
    refusals(bot, 401, {case: reply})


def test_expired_and_future_signatures_are_401_and_run_nothing(bot: Bot) -> None:
    now = int(time.time())
    expired = command_body(bot, "help", "expired")
    future = command_body(bot, "help", "future")
    cases = {
        "expired": send(bot, "POST", expired, signed(expired, stamp=now - 6 * 60)),
        "future": send(bot, "POST", future, signed(future, stamp=now + 6 * 60)),
    }
    refusals(bot, 401, cases)


def test_a_signature_four_minutes_old_is_still_good(bot: Bot) -> None:
    body = command_body(bot, "help", "recent")
    reply = send(bot, "POST", body, signed(body, stamp=int(time.time()) - 4 * 60))
    assert (reply.status, reply.body) == (200, b"")
    bot.stand_in.wait_for("response/recent")


# --- replays and retries ----------------------------------------------------------------------


def test_a_replayed_change_is_409_and_changes_nothing_twice(bot: Bot) -> None:
    body = command_body(bot, "levels set 2800 Replay guard", "set")
    headers = signed(body)
    first = send(bot, "POST", body, headers)
    assert (first.status, first.body) == (200, b"")
    (confirmation,) = bot.stand_in.wait_for("response/set")
    assert confirmation.body["response_type"] == "in_channel"
    assert "Replay guard" in json.dumps(confirmation.body)
    # the very same request again, as an eavesdropper would send it within the five minutes
    again = send(bot, "POST", body, headers)
    assert again.status == 409
    assert again.body.startswith(REASONS[409])
    # and freshly signed: the trigger id, not the signature, makes it the same delivery
    assert send(bot, "POST", body, signed(body)).status == 409
    bot.command("levels", response="levels")
    (levels,) = bot.stand_in.wait_for("response/levels")
    assert text_of(levels.body["blocks"]).count("Replay guard") == 1
    time.sleep(0.2)
    assert len(bot.stand_in.calls_to("response/set")) == 1
    assert sorted(responses(bot)) == ["response/levels", "response/set"]


def test_a_replay_without_a_trigger_id_is_known_by_its_body(bot: Bot) -> None:
    body = command_body(bot, "levels set 2801 Body replay", "bodied", trigger_id="")
    assert b"trigger_id" not in body
    assert send(bot, "POST", body, signed(body)).status == 200
    bot.stand_in.wait_for("response/bodied")
    # another timestamp, so another signature, over the same body
    assert send(bot, "POST", body, signed(body, stamp=int(time.time()) - 7)).status == 409
    assert_nothing_ran_again(bot, "bodied")


def assert_nothing_ran_again(bot: Bot, name: str) -> None:
    bot.command("help", response="genuine")
    bot.stand_in.wait_for("response/genuine")
    time.sleep(0.2)
    assert len(bot.stand_in.calls_to(f"response/{name}")) == 1


def test_a_slack_retry_is_200_with_nothing_run_again(bot: Bot) -> None:
    body = command_body(bot, "streak", "retried")
    first = send(bot, "POST", body, signed(body))
    assert (first.status, first.body) == (200, b"")
    for attempt in ("1", "2"):
        retry = send(
            bot,
            "POST",
            body,
            {
                **signed(body),
                "X-Slack-Retry-Num": attempt,
                "X-Slack-Retry-Reason": "http_timeout",
            },
        )
        assert (retry.status, retry.body) == (200, b""), attempt
    assert_nothing_ran_again(bot, "retried")
    assert sorted(responses(bot)) == ["response/genuine", "response/retried"]


def test_a_retry_whose_first_delivery_never_arrived_is_run_once(bot: Bot) -> None:
    body = command_body(bot, "streak", "lost-first")
    retry = send(bot, "POST", body, {**signed(body), "X-Slack-Retry-Num": "1"})
    assert (retry.status, retry.body) == (200, b"")
    bot.stand_in.wait_for("response/lost-first")
    again = send(bot, "POST", body, {**signed(body), "X-Slack-Retry-Num": "2"})
    assert (again.status, again.body) == (200, b"")
    assert_nothing_ran_again(bot, "lost-first")


def test_an_event_retried_or_replayed_is_published_once(bot: Bot) -> None:
    envelope = {
        "token": "legacy",
        "team_id": "T0TEST",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": "Ev0GUARDTEST",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": "U0VIEWER",
            "channel": "D0",
            "tab": "home",
            "event_ts": "1",
        },
    }
    body = json.dumps(envelope).encode()
    assert send(bot, "POST", body, signed(body, JSON)).status == 200
    bot.stand_in.wait_for("views.publish")
    retry = send(bot, "POST", body, {**signed(body, JSON), "X-Slack-Retry-Num": "1"})
    assert (retry.status, retry.body) == (200, b"")
    assert send(bot, "POST", body, signed(body, JSON)).status == 409
    # the same event id in another body is still the same delivery
    envelope["event_time"] = int(time.time()) + 1
    other = json.dumps(envelope).encode()
    assert send(bot, "POST", other, signed(other, "application/json; charset=utf-8")).status == 409
    assert_nothing_ran(bot, [])
    assert len(bot.stand_in.calls_to("views.publish")) == 1


# --- bodies, types, sizes and methods ---------------------------------------------------------


def test_malformed_bodies_are_400_and_run_nothing(bot: Bot) -> None:
    def command(name: str) -> bytes:
        return command_body(bot, "help", name)

    bodies = {
        "field-without-value": (command("field-without-value") + b"&a=1&b", FORM),
        "bad-percent-utf8": (command("bad-percent-utf8") + b"&extra=%ff", FORM),
        "text-percent-ff": (command("text-percent-ff").replace(b"text=help", b"text=%ff"), FORM),
        "bare-a1b": (b"a=1&b", FORM),
        "bare-text-ff": (b"text=%ff", FORM),
        "payload-not-json": (b"payload=%7Bbad", FORM),
        "payload-a-list": (b"payload=" + urlencode({"x": "[1,2]"}).encode()[2:], FORM),
        "json-list": (b"[1,2]", JSON),
        "json-broken": (b"{bad", JSON),
        "json-string": (b'"text"', JSON),
        "json-null": (b"null", JSON),
        "json-empty": (b"", JSON),
    }
    cases = {
        name: send(bot, "POST", body, signed(body, kind)) for name, (body, kind) in bodies.items()
    }
    refusals(bot, 400, cases)


@pytest.mark.parametrize("forged", [False, True], ids=["signed", "forged"])
@pytest.mark.parametrize("kind", [FORM, JSON])
def test_a_body_that_is_not_utf8_is_refused_and_runs_nothing(
    bot: Bot, kind: str, forged: bool
) -> None:
    if kind == FORM:
        body = command_body(bot, "help", "not-utf8").replace(b"text=help", b"text=\xff\xfe")
    else:
        body = json.dumps({"text": "help", "trigger_id": new_trigger_id()}).encode() + b"\xff"
    headers = signed(body, kind)
    if forged:
        headers["X-Slack-Signature"] = signature(body, headers["X-Slack-Request-Timestamp"], "x")
    reply = send(bot, "POST", body, headers)
    refusals(bot, 401 if forged and reply.status == 401 else 400, {"not-utf8": reply})


def test_wrong_content_types_are_415_and_run_nothing(bot: Bot) -> None:
    kinds = {
        "text-plain": "text/plain",
        "multipart": "multipart/form-data; boundary=x",
        "xml": "application/xml",
        "json-lookalike": "application/jsonp",
        "no-type": None,
    }
    cases = {}
    for name, kind in kinds.items():
        body = command_body(bot, "help", name)
        cases[name] = send(bot, "POST", body, signed(body, kind))
    refusals(bot, 415, cases)


def padded(bot: Bot, name: str, size: int) -> bytes:
    """A genuine command whose form is padded to exactly `size` bytes."""
    head = command_body(bot, "help", name) + b"&pad="
    return head + b"x" * (size - len(head))


def status_from_headers_alone(bot: Bot, body: bytes) -> int:
    """The status the server answers a POST of `body` with, sending only its headers."""
    parts = urlsplit(bot.url)
    headers = {**signed(body), "Content-Length": str(len(body)), "Host": parts.netloc}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=30) as sock:
        sock.sendall(f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode())
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_bodies_over_max_body_are_413_and_run_nothing(bot: Bot) -> None:
    """waitress refuses them from their length, before reading them (as in `python -m bot`),
    and may close the connection on a client still sending; nothing of theirs ever runs."""
    just_over = padded(bot, "just-over", MAX_BODY + 1)
    huge = padded(bot, "huge", 5 * 1024 * 1024)
    chunked = padded(bot, "huge-chunked", 5 * 1024 * 1024)
    assert len(just_over) == MAX_BODY + 1
    assert status_from_headers_alone(bot, just_over) == 413  # refused before any byte of it
    for body, chunks in ((just_over, False), (huge, False), (chunked, True)):
        content = (body[i : i + 65536] for i in range(0, len(body), 65536)) if chunks else body
        # refused mid-upload, waitress may stop reading and close the connection instead
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            assert send(bot, "POST", content, signed(body)).status == 413
    assert_nothing_ran(bot, ["just-over", "huge", "huge-chunked"])


def test_a_body_of_exactly_max_body_is_let_in(bot: Bot) -> None:
    body = padded(bot, "at-limit", MAX_BODY)
    assert len(body) == MAX_BODY
    reply = send(bot, "POST", body, signed(body))
    assert (reply.status, reply.body) == (200, b"")
    bot.stand_in.wait_for("response/at-limit")


def test_a_chunked_body_is_let_in(bot: Bot) -> None:
    body = command_body(bot, "help", "chunked")
    reply = send(bot, "POST", iter([body[:10], body[10:]]), signed(body))
    assert (reply.status, reply.body) == (200, b"")
    bot.stand_in.wait_for("response/chunked")


def test_no_content_length_is_411(bot: Bot) -> None:
    body = command_body(bot, "help", "no-length")
    reply = send(bot, "POST", None, signed(body), length=False)
    refusals(bot, 411, {"no-length": reply})


def test_anything_but_post_is_405_and_runs_nothing(bot: Bot) -> None:
    cases = {}
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        name = f"method-{method.lower()}"
        body = command_body(bot, "help", name)
        cases[name] = send(bot, method, body, signed(body))
    cases["plain-get"] = send(bot, "GET")
    head = send(bot, "HEAD")
    assert head.status == 405
    assert bot.get("/slack/events").status == 405
    refusals(bot, 405, cases)


# --- metrics ----------------------------------------------------------------------------------


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


def metrics(bot: Bot) -> Raw:
    raw = send(bot, "GET", path="/metrics")
    assert raw.status == 200
    assert raw.headers["content-type"].startswith("text/plain")
    return raw


def test_metrics_count_answered_commands_and_refused_requests(bot: Bot) -> None:
    seconds, refused = "smallcaps_command_seconds_count", "smallcaps_requests_refused_total"
    answered = {"outcome": "answered", "subcommand": "streak"}
    failed = {"outcome": "failed", "subcommand": "streak"}
    before = metrics(bot).body.decode()
    assert bot.command("streak", response="counted").status == 200
    bot.stand_in.wait_for("response/counted")
    assert bot.forged(command_body(bot, "help", "forged")).status == 401
    after = metrics(bot).body.decode()
    # prometheus_client prints labels sorted by name
    assert 'smallcaps_command_seconds_count{outcome="answered",subcommand="streak"} ' in after
    assert 'smallcaps_requests_refused_total{reason="signature"} ' in after
    assert sample(after, seconds, **answered) == sample(before, seconds, **answered) + 1
    assert sample(after, seconds, **failed) == sample(before, seconds, **failed)
    assert sample(after, refused, reason="signature") == (
        sample(before, refused, reason="signature") + 1
    )
    assert bot.stand_in.calls_to("response/forged") == []


# --- any text at all --------------------------------------------------------------------------

COMMANDS = [
    "streak",
    "streaks",
    "returns",
    "perf",
    "precedents",
    "sizes",
    "ladder",
    "levels",
    "sectors",
    "valuation",
    "flows",
    "macro",
    "status",
    "alert",
    "alerts",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "help",
    "?",
    "/smallcaps",
    "smallcaps",
    "STREAK",
    "Returns",
    "LEVELS",
    "stroke",
]
"""First words. `chart` renders and uploads a PNG: it is one in thirty or so."""
FIRST_WORD = st.one_of(
    st.sampled_from(COMMANDS),
    st.integers(0, 99).map(lambda n: "chart" if n < 3 else COMMANDS[n % len(COMMANDS)]),
)
WORDS = st.sampled_from(
    [
        "vs",
        "v",
        "versus",
        "against",
        "set",
        "remove",
        "add",
        "new",
        "list",
        "pause",
        "resume",
        "test",
        "since",
        "above",
        "below",
        "crosses",
        "move",
        "spread",
        "streak",
        "band",
        "cooldown",
        "close",
        "intraday",
        "once",
        "every",
        "daily",
        "alerts",
        "summary",
        "at",
        "am",
        "pm",
        "09:15",
        "9am",
        "25:61",
        "Europe/London",
        "tokyo",
        "Mars/Base",
        "utc",
        "ytd",
        "mtd",
        "qtd",
        "1d",
        "5d",
        "1m",
        "3m",
        "6m",
        "12m",
        "1y",
        "5y",
        "10y",
        "ytdd",
        "2021",
        "1900",
        "2101",
    ]
)
SYMBOLS = st.sampled_from(
    [
        "rut",
        "spx",
        "iwm",
        "spy",
        "ndx",
        "^RUT",
        "^GSPC",
        "^IXIC",
        "^TNX",
        "PSCF",
        "russell",
        "russel",
        "mid",
        "iwm/spy",
        "rut/spx",
        "x/y",
        "/",
        "rut/",
        "nothere",
        "^",
    ]
)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**13).map(str),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    st.floats().map(str),
    st.floats(-1000, 1000).map(lambda x: f"{x:.2f}%"),
    st.decimals(places=3, allow_nan=True).map(str),
)
DATES = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(date(2019, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    st.sampled_from(["2024-02-30", "2024-13-01", "0000-00-00", "20240105", "yesterday", ""]),
)
AS_OF = st.builds(
    lambda keyword, day: keyword + day,
    st.sampled_from(["as of ", "As Of ", "--as-of ", "--as-of=", "as  of\t", "as of"]),
    DATES,
)
JUNK = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "\t",
            "\n",
            "\u200b",
            "\u202e",
            "%",
            "&",
            "=",
            "+",
            "*",
            "`",
            "```",
            "<!channel>",
            "<@U123>",
            "&amp;",
            "<>",
            "\\",
            "'",
            '"',
            "🚀",
            "\u211d",
            "ǅ",
            "İ",
            "\ufeff",
        ]
    ),
    st.text(st.characters(max_codepoint=0x1F), max_size=3),
    st.text(max_size=8),
)
TOKEN = st.one_of(WORDS, SYMBOLS, NUMBERS, DATES, AS_OF, JUNK)
GRAMMAR = st.builds(
    lambda first, rest, gap: gap.join([first, *rest]),
    FIRST_WORD,
    st.lists(TOKEN, max_size=6),
    st.sampled_from([" ", "  ", "\t", " \n "]),
)
PERIODS = st.sampled_from(["ytd", "mtd", "1d", "5d", "1m", "3m", "6m", "1y", "5y", "2021", "2024"])
NAMES = st.sampled_from(
    ["rut", "spx", "iwm", "ndx", "^RUT", "^GSPC", "^IXIC", "russell", "small", "large", "spy"]
)
"""With prices in the test market, but `spy`."""
PAIRS: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]),
    NAMES.map(lambda a: [a]),
    st.tuples(NAMES, st.sampled_from(["vs", "v", "versus", "against"]), NAMES).map(list),
    st.tuples(NAMES, NAMES).map(lambda pair: ["/".join(pair)]),
)
LEVEL = st.one_of(
    st.integers(1, 9_999_999).map(str),
    st.floats(0.01, 9_999_999, allow_nan=False).map(lambda x: f"{x:,.2f}"),
)
LABEL = st.text(st.sampled_from("abcXYZ 019.,'&/()+-é"), min_size=1, max_size=44)
RULE = st.one_of(
    st.tuples(
        st.sampled_from(["rut", "spx", "iwm", "iwm/spy", "rut/spx"]),
        st.sampled_from(["above", "below", "crosses", "cross"]),
        LEVEL,
        st.lists(
            st.sampled_from(["close", "intraday", "once", "every", "band 0.5%", "cooldown 3"]),
            max_size=3,
        ),
    ).map(lambda rule: " ".join([*rule[:3], *rule[3]])),
    st.tuples(NAMES, st.floats(0, 60).map(lambda x: f"{x:.1f}%")).map(
        lambda rule: f"{rule[0]} move {rule[1]}"
    ),
    st.floats(0, 100).map(lambda x: f"spread {x:.2f}"),
    st.integers(0, 300).map(lambda n: f"streak {n}"),
)
ZONES = st.sampled_from(["", "Europe/London", "tokyo", "et", "UTC", "America/Chicago", "Nowhere/X"])
STRUCTURED_COMMAND = st.one_of(
    PAIRS.map(lambda words: " ".join(["streak", *words])),
    st.tuples(st.lists(PERIODS, max_size=1), st.lists(NAMES, max_size=13)).map(
        lambda q: " ".join(["returns", *q[0], *q[1]])
    ),
    st.tuples(
        st.lists(st.integers(0, 300).map(str), max_size=1),
        st.lists(st.sampled_from(["3m", "6m", "12m", "1y"]), max_size=1),
        PAIRS,
    ).map(lambda q: " ".join(["precedents", *q[0], *q[1], *q[2]])),
    st.tuples(st.sampled_from(["sizes", "sectors"]), st.lists(PERIODS, max_size=1)).map(
        lambda q: " ".join([q[0], *q[1]])
    ),
    st.lists(NAMES, max_size=1).map(lambda words: " ".join(["levels", *words])),
    st.tuples(LEVEL, LABEL).map(lambda q: f"levels set {q[0]} {q[1]}"),
    LEVEL.map(lambda value: f"levels remove {value}"),
    st.sampled_from(["valuation", "flows", "macro", "status", "subscriptions", "alert list"]),
    st.sampled_from(sorted(set(COMMANDS) - {"stroke"})).map(lambda topic: f"help {topic}"),
    RULE.map(lambda rule: f"alert add {rule}"),
    st.tuples(st.sampled_from(["remove", "pause", "resume", "mute", "rm"]), st.integers(0, 30)).map(
        lambda q: f"alert {q[0]} #{q[1]}" if q[1] % 2 else f"alert {q[0]} {q[1]}"
    ),
    st.tuples(
        st.one_of(st.integers(0, 30).map(str), RULE),
        st.lists(st.dates(date(2019, 1, 1), date(2027, 1, 1)), max_size=1),
    ).map(lambda q: " ".join(["alert test", q[0], *(f"since {d}" for d in q[1])])),
    st.tuples(
        st.lists(st.sampled_from(["at 09:15", "7:30pm", "at 16:30", "24:00", "at 9"]), max_size=1),
        ZONES,
    ).map(lambda q: " ".join(["subscribe daily", *q[0], q[1]])),
    st.sampled_from(
        ["subscribe alerts", "unsubscribe alerts", "unsubscribe daily", "subscribe summary"]
    ),
    # a chart renders and uploads a PNG: allowed, but rare
    st.integers(0, 9).map(lambda n: "chart 1y" if n == 0 else "streak"),
)
STRUCTURED = st.tuples(
    STRUCTURED_COMMAND,
    st.sampled_from([[], [], [], ["as of {}"], ["--as-of {}"]]),
    st.dates(date(2019, 6, 1), date(2027, 1, 1)),
    st.sampled_from(["", "", "", "/smallcaps ", "  "]),
).map(lambda q: q[3] + " ".join([q[0], *(suffix.format(q[2]) for suffix in q[1])]))
"""Commands as people type them: mostly valid, so the answers themselves are exercised."""
TEXTS = st.one_of(st.text(min_size=1, max_size=60), GRAMMAR, STRUCTURED, STRUCTURED)
"""Arbitrary unicode (control characters included: `st.text` leaves out only surrogates, which
no form can carry), random words in the grammar's shape, and twice as often a real command."""

BATCH = 50
BATCHES = 104
FUZZED = 5000


def answer_problems(call: Call, hidden: str = "") -> list[str]:
    """What is wrong with an answer: an internal error, something Slack would refuse (by
    slack_sdk's own validation of every block), unescaped fallback text, or `hidden` (a server
    path) shown to the user."""
    body = call.body
    if not isinstance(body, dict):
        return [f"not JSON: {body!r:.200}"]
    problems = []
    if body.get("response_type") not in ("ephemeral", "in_channel"):
        problems.append(f"response_type {body.get('response_type')!r}")
    text = str(body.get("text", ""))
    if INTERNAL_ERROR in text:
        problems.append(f"internal error: {body['text']}")
    if re.search(r"[<>]", re.sub(r"<@U[A-Z0-9]+>", "", text)):
        problems.append(f"unescaped fallback text: {text[:200]!r}")
    if hidden and hidden in json.dumps(body):
        problems.append(f"shows {hidden}")
    blocks = body.get("blocks") or []
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks")
    problems += block_problems(blocks)
    return problems


class Answers:
    """The stand-in's `response/<name>` calls by name, read once each as they arrive."""

    def __init__(self, bot: Bot) -> None:
        self.stand_in = bot.stand_in
        self.read = 0
        self.by_name: dict[str, list[Call]] = {}

    def collect(self) -> None:
        calls = self.stand_in.calls[self.read :]
        self.read += len(calls)
        for call in calls:
            if call.method.startswith("response/"):
                self.by_name.setdefault(call.method.removeprefix("response/"), []).append(call)

    def wait(self, names: list[str], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.collect()
            if all(name in self.by_name for name in names) or time.monotonic() > deadline:
                return
            time.sleep(0.01)


@pytest.mark.slow
def test_any_command_text_is_acked_and_answered_never_with_an_internal_error(bot: Bot) -> None:
    assert bot.services is not None and bot.services.settings.csv_dir is not None
    hidden = str(bot.services.settings.csv_dir)
    numbers: Iterator[int] = itertools.count()
    sent: list[str] = []
    answers = Answers(bot)

    def ask(text: str) -> tuple[str, str, int, bytes]:
        name = f"fuzz{next(numbers)}"
        reply = bot.command(text, response=name)
        return text, name, reply.status, reply.body

    with ThreadPoolExecutor(max_workers=4) as pool:

        @settings(
            max_examples=BATCHES,
            deadline=None,
            # no shrinking: it would resend batches for minutes, and the failures below
            # already name the texts that failed
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.large_base_example,
            ],
        )
        @given(st.lists(TEXTS, min_size=BATCH, max_size=BATCH, unique=True))
        def batch(texts: list[str]) -> None:
            # `alert add` or `alert new` alone opens the New alert form: a modal, no answer
            forms = [text for text in texts if opens_alert_form(text)]
            opened = len(bot.stand_in.calls_to("views.open"))
            texts = [text for text in texts if text not in forms]
            for text in forms:
                assert ask(text)[2] == 200
            bot.stand_in.wait_for("views.open", opened + len(forms))
            asked = list(pool.map(ask, texts))
            sent.extend(texts)
            problems = [(text, status, body) for text, _, status, body in asked if status != 200]
            assert problems == [], "not acked with 200"
            assert [(text, body) for text, _, _, body in asked if body] == []
            answers.wait([name for _, name, _, _ in asked])
            unanswered = [text for text, name, _, _ in asked if name not in answers.by_name]
            assert unanswered == [], "never answered"
            wrong = [
                (text, problem)
                for text, name, _, _ in asked
                for call in answers.by_name[name]
                for problem in answer_problems(call, hidden)
            ]
            assert wrong == []
            twice = [text for text, name, _, _ in asked if len(answers.by_name[name]) != 1]
            assert twice == [], "answered more than once"

        batch()

    assert len(sent) >= FUZZED
    time.sleep(0.2)
    answers.collect()
    assert sum(len(calls) for calls in answers.by_name.values()) == len(sent)


@pytest.mark.parametrize(
    "text",
    [
        "streak as of 1677-09-21",
        "returns ytd as of 0001-01-01",
        "levels --as-of 1600-01-01",
        "precedents 3 as of 1000-01-01",
        "chart 1y as of 1500-06-30",
        "alert test rut above 2750 since 1677-09-22",
    ],
)
def test_a_date_before_pandas_can_count_is_a_clear_error(bot: Bot, text: str) -> None:
    assert bot.command(text, response="ancient").status == 200
    (answer,) = bot.stand_in.wait_for("response/ancient")
    assert answer_problems(answer) == []


@pytest.mark.parametrize(
    "text",
    [
        "x" * 3000,
        "returns " + "y" * 3000,
        "streak " + "z" * 3000 + " vs spy",
        "alert add rut above " + "9" * 3000,
        "subscribe daily at 09:15 " + "Europe/" * 400,
        "levels set 2750 " + "<!channel> & " * 300,
        "streak nothere vs spx",
        "sectors",
    ],
)
def test_an_error_is_short_valid_and_path_free_whatever_was_typed(bot: Bot, text: str) -> None:
    assert bot.command(text, response="odd").status == 200
    (answer,) = bot.stand_in.wait_for("response/odd")
    assert bot.services is not None
    assert answer_problems(answer, str(bot.services.settings.csv_dir)) == []
    if ":warning:" in json.dumps(answer.body["blocks"][:1]):  # an error: a sentence or two
        assert len(json.dumps(answer.body["blocks"])) < 1500, answer.body["blocks"]


def test_alert_new_across_lines_opens_the_form(bot: Bot) -> None:
    """The fuzz test once sent `alert \\n new`: it opens the New alert form, as `alert new`
    does, and posts nothing to the response URL."""
    assert bot.command("alert \n new", response="form").status == 200
    (opened,) = bot.stand_in.wait_for("views.open")
    assert "New alert" in json.dumps(opened.body)
    assert bot.stand_in.calls_to("response/form") == []
