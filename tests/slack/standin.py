"""A local stand-in for Slack: the Web API, `response_url` and file uploads, on a free port.

It records every call, answers `ok` by default, and can be told to answer the next calls of a
method with an error or a 429 with Retry-After, every n-th Web API call with a 429, or every
post to a channel with an error (an archived channel), as Slack does.

As Slack's OAuth: `install(code, team, ...)` makes a code that `oauth.v2.access` exchanges for a
bot token and a refresh token (which exchanges again for new ones); `auth.test` then answers per
token, a revoked token gets `token_revoked`, and a workspace told to `throttle_workspace` gets
429 on every call.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 200
    """What the stand-in answered: 200, or 429 when it throttled the call."""
    at: float = 0.0
    """When the call arrived (`time.monotonic()`): benchmarks time answers by it."""

    @property
    def method(self) -> str:
        """The Web API method (`chat.postMessage`), or the path for other endpoints."""
        return self.path.removeprefix("/api/").lstrip("/")


@dataclass(frozen=True)
class Grant:
    """An installation as Slack's OAuth knows it."""

    team: str
    user: str
    enterprise: str | None = None
    expires_in: int | None = None
    """Seconds a token lives (token rotation on); None: it never expires."""


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class SlackStandIn:
    def __init__(self, keep_uploads: bool = True) -> None:
        """`keep_uploads=False` keeps only the first bytes of uploaded files (benchmarks)."""
        self.calls: list[Call] = []
        self._scripted: dict[str, list[Scripted]] = {}
        self._failing: dict[str, str] = {}
        self._throttle: tuple[int, int] | None = None
        self._slow: dict[str, float] = {}
        self._refused_blocks: set[str] = set()
        self.member_of = ["C0CHAN"]
        """The channels `users.conversations` says a user is in, a page of `limit` at a time."""
        self.bot_not_in: set[str] = set()
        """The channels `conversations.info` says the bot is not a member of (it is of any
        other)."""
        self._codes: dict[str, Grant] = {}
        self._tokens: dict[str, Grant] = {}
        """Live bot tokens, once any workspace installed: only they are let in."""
        self._refresh: dict[str, Grant] = {}
        self._revoked: set[str] = set()
        self._throttled_teams: set[str] = set()
        self._issued = 0
        self._api_calls = 0
        self._posts = 0
        self._counting = threading.Lock()
        self._changed = threading.Condition()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                arrived = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    body = raw if keep_uploads else raw[:16]
                else:
                    body = _parse(self.headers, raw)
                call = Call(self.path, dict(self.headers.items()), body, at=arrived)
                time.sleep(stand_in._slow.get(call.method, 0.0))
                status, body, headers = stand_in._answer(call)
                call = Call(call.path, call.headers, call.body, status, arrived)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                # Recorded before the answer leaves: a caller that has its answer finds its
                # call recorded.
                with stand_in._changed:
                    stand_in.calls.append(call)
                    stand_in._changed.notify_all()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> SlackStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, method: str, *answers: Scripted) -> None:
        """Answer the next calls of `method` with these, in order, then `ok` again."""
        self._scripted.setdefault(method, []).extend(answers)

    def slow(self, method: str, seconds: float) -> None:
        """Answer every call of `method` this much later (the request is read first)."""
        self._slow[method] = seconds

    def fail_channel(self, channel: str, error: str | None) -> None:
        """Answer every post to `channel` with `error` (`is_archived`, `not_in_channel`...);
        None answers `ok` again."""
        if error is None:
            self._failing.pop(channel, None)
        else:
            self._failing[channel] = error

    def refuse_blocks(self, block_type: str) -> None:
        """Answer every message holding a block of this type with `invalid_blocks`, as a Slack
        that does not know it yet does (400 with the error's name on a `response_url`, and
        `invalid_arguments` for a view)."""
        self._refused_blocks.add(block_type)

    def throttle_every(self, n: int, retry_after: int = 1) -> None:
        """Answer every n-th Web API call with 429 and this Retry-After, as a storm would."""
        self._throttle = (n, retry_after)

    def install(
        self,
        code: str,
        team: str,
        user: str = "U0INSTALLER",
        enterprise: str | None = None,
        expires_in: int | None = None,
    ) -> None:
        """A code Slack gives an installer's browser for `team`."""
        self._codes[code] = Grant(team, user, enterprise, expires_in)

    def add_token(self, token: str, team: str) -> None:
        """A bot token of `team`, as if installed long ago (benchmarks)."""
        with self._counting:
            self._tokens[token] = Grant(team, "U0INSTALLER")

    def revoke(self, team: str) -> None:
        """Every token of `team` stops working (the app was uninstalled)."""
        with self._counting:
            for token, grant in list(self._tokens.items()):
                if grant.team == team:
                    self._revoked.add(token)
                    del self._tokens[token]

    def throttle_workspace(self, team: str) -> None:
        """Answer every call made with `team`'s tokens with 429 (Retry-After 1)."""
        self._throttled_teams.add(team)

    def token_of(self, team: str) -> str:
        """The newest live bot token of `team`."""
        with self._counting:
            return [t for t, g in self._tokens.items() if g.team == team][-1]

    def calls_to(self, method: str) -> list[Call]:
        """The calls of `method` in the order they arrived (each is recorded once answered,
        so a quick second call can be recorded before a slow first one)."""
        with self._changed:
            return sorted((c for c in self.calls if c.method == method), key=lambda c: c.at)

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 15.0,
        where: Callable[[Call], bool] = lambda call: True,
    ) -> list[Call]:
        """Wait until `count` calls of `method` matching `where` arrived; fail after `timeout`."""

        def matching() -> list[Call]:
            found = [c for c in self.calls if c.method == method and where(c)]
            return sorted(found, key=lambda c: c.at)

        with self._changed:
            if not self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                seen = [c.method for c in self.calls]
                raise AssertionError(f"no {count} call(s) to {method} within {timeout}s: {seen}")
            return matching()

    def _grant_tokens(self, grant: Grant) -> dict[str, Any]:
        with self._counting:
            self._issued += 1
            n = self._issued
            token = f"xoxb-{grant.team}-{n}"
            refresh = f"xoxe-1-{grant.team}-{n}"
            self._tokens[token] = grant
            if grant.expires_in is not None:
                self._refresh[refresh] = grant
        answer: dict[str, Any] = {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write,files:write,channels:read,groups:read",
            "bot_user_id": f"U0BOT{grant.team}",
            "app_id": "A0APP",
            "team": {"id": grant.team, "name": f"Team {grant.team}"},
            "enterprise": {"id": grant.enterprise} if grant.enterprise else None,
            "authed_user": {"id": grant.user},
            "is_enterprise_install": False,
        }
        if grant.expires_in is not None:
            answer |= {"refresh_token": refresh, "expires_in": grant.expires_in}
        return answer

    def _oauth(self, call: Call) -> dict[str, Any]:
        body = call.body if isinstance(call.body, dict) else {}
        if body.get("grant_type") == "refresh_token":
            grant = self._refresh.pop(str(body.get("refresh_token")), None)
            if grant is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return self._grant_tokens(grant)
        code_grant = self._codes.pop(str(body.get("code")), None)
        if code_grant is None:
            return {"ok": False, "error": "invalid_code"}
        return self._grant_tokens(code_grant)

    def _by_token(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        """Per-token answers once any workspace installed: who a token is, 429s for a
        throttled workspace, and no entry for a revoked or unknown token."""
        if not self._tokens and not self._revoked:
            return None
        token = call.headers.get("Authorization", "").removeprefix("Bearer ")
        grant = self._tokens.get(token)
        if grant is None:
            error = "token_revoked" if token in self._revoked else "invalid_auth"
            return 200, {"ok": False, "error": error}, {}
        if grant.team in self._throttled_teams:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        if call.method == "auth.test":
            return (
                200,
                {
                    "ok": True,
                    "team": f"Team {grant.team}",
                    "team_id": grant.team,
                    "user": "smallcaps",
                    "user_id": f"U0BOT{grant.team}",
                    "bot_id": f"B0BOT{grant.team}",
                    "enterprise_id": grant.enterprise,
                    "url": "https://test.slack.com/",
                },
                {},
            )
        return None

    def _answer(self, call: Call) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        if call.method == "oauth.v2.access":
            return 200, self._oauth(call), {}
        if call.path.startswith("/api/"):
            answered = self._by_token(call)
            if answered is not None:
                return answered
        if call.path.startswith("/api/") and self._throttle:
            with self._counting:
                self._api_calls += 1
                throttled = self._api_calls % self._throttle[0] == 0
            if throttled:
                error = {"ok": False, "error": "ratelimited"}
                return 429, error, {"Retry-After": str(self._throttle[1])}
        channel = _field(call.body, "channel")
        if self._refused_blocks & _block_types(call.body):
            if call.path.startswith("/response/"):
                return 400, b"invalid_blocks", {}
            if call.method.startswith("views."):
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
            return 200, {"ok": False, "error": "invalid_blocks"}, {}
        if call.method == "chat.postMessage" and channel in self._failing:
            return 200, {"ok": False, "error": self._failing[channel]}, {}
        queue = self._scripted.get(call.method)
        if queue:
            scripted = queue.pop(0)
            return scripted.status, scripted.body, scripted.headers
        if call.path.startswith("/response/"):
            return 200, b"ok", {}
        if call.path.startswith("/upload/"):
            return 200, b"OK - uploaded", {}
        method = call.method
        if method == "auth.test":
            return (
                200,
                {
                    "ok": True,
                    "team": "Test",
                    "user": "smallcaps",
                    "team_id": "T0TEST",
                    "user_id": "U0BOT",
                    "bot_id": "B0BOT",
                    "url": "https://test.slack.com/",
                },
                {},
            )
        if method == "users.conversations":
            return 200, self._page_of_channels(call.body), {}
        if method == "conversations.info":
            about = {
                "id": channel,
                "is_channel": True,
                "is_private": False,
                "is_archived": False,
                "is_member": channel not in self.bot_not_in,
            }
            return 200, {"ok": True, "channel": about}, {}
        if method in ("views.open", "views.update", "views.publish"):
            view = _field(call.body, "view")
            view = json.loads(view) if isinstance(view, str) else view
            return 200, {"ok": True, "view": {"id": "V0VIEW", "hash": "h1", **(view or {})}}, {}
        if method == "files.getUploadURLExternal":
            return (
                200,
                {"ok": True, "upload_url": f"{self.url}/upload/F0CHART", "file_id": "F0CHART"},
                {},
            )
        if method == "files.completeUploadExternal":
            return 200, {"ok": True, "files": [{"id": "F0CHART", "title": "chart"}]}, {}
        with self._counting:
            self._posts += 1
            ts = f"{1769000000 + self._posts}.000100"
        return 200, {"ok": True, "ts": ts, "channel": channel}, {}

    def _page_of_channels(self, body: Any) -> dict[str, Any]:
        """A page of `member_of` as Slack pages it: `limit` channels from `cursor`, and the
        cursor of the next page while there are more."""
        start = int(_field(body, "cursor") or 0)
        limit = int(_field(body, "limit") or 100)
        channels = [{"id": c} for c in self.member_of[start : start + limit]]
        more = start + limit < len(self.member_of)
        cursor = str(start + limit) if more else ""
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": cursor}}


def _parse(headers: Any, raw: bytes) -> Any:
    kind = headers.get("Content-Type", "")
    if "json" in kind:
        return json.loads(raw or b"null")
    if "x-www-form-urlencoded" in kind:
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    return raw


def _field(body: Any, name: str) -> Any:
    return body.get(name) if isinstance(body, dict) else None


def _block_types(body: Any) -> set[str]:
    """The types of the blocks a message or a view carries (JSON, or a form's field)."""
    view = _field(body, "view")
    if isinstance(view, str):
        view = json.loads(view)
    blocks = view.get("blocks") if isinstance(view, dict) else _field(body, "blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        return set()
    return {str(block.get("type")) for block in blocks if isinstance(block, dict)}
