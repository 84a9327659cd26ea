"""Slack installations in Redis (many-workspace mode): slack-sdk's `InstallationStore` and
`OAuthStateStore` on the bot's own Redis, keys from `bot/store/keys.py`.

Every installation is kept as JSON encrypted with Fernet (`SMALLCAPS_TOKEN_KEY`): bot and user
tokens, refresh tokens and their expiry never rest in Redis in clear, and nothing here logs
them. SMALLCAPS_TOKEN_KEY is a comma-separated list (cryptography's `MultiFernet`): the first
key encrypts, every key decrypts, and `rotate_token_key` re-encrypts every installation with
the first. An installation no key opens is an operator's error (a key rotated away or
mistyped), never an uninstall: it raises `UnreadableInstallation`, is logged, counted and
recorded for `status`, and whatever needed it waits for the key. OAuth state values are single
use (`GETDEL`) and expire (`SET ... EX`).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from redis.lock import Lock
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.metrics import UNREADABLE_INSTALLATIONS
from bot.store.keys import NONE, Keys

log = logging.getLogger(__name__)

STATE_SECONDS = 600


def new_token_key() -> str:
    """A fresh SMALLCAPS_TOKEN_KEY."""
    return Fernet.generate_key().decode()


def token_keys(token_key: str) -> MultiFernet:
    """SMALLCAPS_TOKEN_KEY's keys, the first encrypting; ValueError if one is not a key."""
    keys = [part.strip() for part in token_key.split(",") if part.strip()]
    if not keys:
        raise ValueError("no key")
    return MultiFernet([Fernet(key.encode()) for key in keys])


class UnreadableInstallation(Exception):
    """An installation that no key of SMALLCAPS_TOKEN_KEY decrypts."""


@dataclass(frozen=True)
class Rotated:
    """What `rotate_token_key` did: installations re-encrypted, and those no key opens."""

    rotated: int
    unreadable: list[str]


def _ids(
    enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
) -> tuple[str, str]:
    """Where an installation is kept: an org-wide install under its enterprise alone."""
    return enterprise_id or NONE, NONE if is_enterprise_install else (team_id or NONE)


class RedisInstallationStore(InstallationStore):
    def __init__(self, redis_client: Callable[[], redis.Redis], keys: Keys, token_key: str) -> None:
        self._redis = redis_client
        self.keys = keys
        self._fernet = token_keys(token_key)
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def _seal(self, fields: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(fields).encode())

    def _open(self, raw: bytes | str | None, where: str) -> dict[str, Any] | None:
        """The installation's fields; None when there is none; UnreadableInstallation when
        no key opens it (`where` names it, `<ENTERPRISE>:<TEAM>`)."""
        if raw is None:
            return None
        unreadable = self.keys.unreadable_installations()
        try:
            opened: dict[str, Any] = json.loads(self._fernet.decrypt(raw))
        except InvalidToken:
            log.error(
                "the installation of %s cannot be read with any key of SMALLCAPS_TOKEN_KEY: "
                "was the key changed without `python -m bot rotate-token-key`? Its posts wait",
                where,
            )
            UNREADABLE_INSTALLATIONS.inc()
            self._redis().hset(unreadable, where, datetime.now(UTC).isoformat())
            raise UnreadableInstallation(where) from None
        self._redis().hdel(unreadable, where)
        return opened

    def rotate_token_key(self) -> Rotated:
        """Re-encrypts every installation with SMALLCAPS_TOKEN_KEY's first key (`MultiFernet.
        rotate`), each under WATCH so a token refreshed meanwhile is never written back old."""
        r = self._redis()
        found = r.scan_iter(match=self.keys.installations_all(), count=500)
        rotated, unreadable = 0, []
        for key in sorted(_text(k) for k in found):
            if key == self.keys.installed_workspaces():
                continue
            while True:
                with r.pipeline(transaction=True) as pipe:
                    try:
                        pipe.watch(key)  # type: ignore[no-untyped-call]
                        raw = pipe.get(key)
                        if raw is None:
                            break
                        try:
                            sealed = self._fernet.rotate(raw)
                        except InvalidToken:
                            unreadable.append(key.removeprefix(self.keys.prefix))
                            break
                        pipe.multi()
                        pipe.set(key, sealed)
                        pipe.execute()
                        rotated += 1
                        break
                    except redis.WatchError:
                        continue
        if not unreadable:
            r.delete(self.keys.unreadable_installations())
        return Rotated(rotated, unreadable)

    def save(self, installation: Installation) -> None:
        e, t = _ids(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        sealed = self._seal(dict(installation.__dict__))
        with self._redis().pipeline() as pipe:
            pipe.set(self.keys.installation(e, t, "installer"), sealed)
            if installation.user_id:
                pipe.set(self.keys.installation(e, t, "installer", installation.user_id), sealed)
            if installation.team_id and not installation.is_enterprise_install:
                pipe.hset(self.keys.installed_workspaces(), installation.team_id, e)
            pipe.execute()
        self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        if bot.bot_token is None:
            return
        e, t = _ids(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        self._redis().set(self.keys.installation(e, t, "bot"), self._seal(dict(bot.__dict__)))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        e, t = _ids(enterprise_id, team_id, is_enterprise_install)
        fields = self._open(self._redis().get(self.keys.installation(e, t, "bot")), f"{e}:{t}")
        return None if fields is None else Bot(**fields)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        e, t = _ids(enterprise_id, team_id, is_enterprise_install)
        raw = self._redis().get(self.keys.installation(e, t, "installer", user_id))
        fields = self._open(raw, f"{e}:{t}")
        if fields is None:
            return None
        installation = Installation(**fields)
        bot = self.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is not None and bot.bot_token != installation.bot_token:
            # a user's installation carries the bot token of its day; the bot's is newer
            installation.bot_id = bot.bot_id
            installation.bot_user_id = bot.bot_user_id
            installation.bot_token = bot.bot_token
            installation.bot_scopes = bot.bot_scopes
            installation.bot_refresh_token = bot.bot_refresh_token
            installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        e, t = enterprise_id or NONE, team_id or NONE
        self._redis().delete(self.keys.installation(e, t, "bot"))

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        e, t = enterprise_id or NONE, team_id or NONE
        if user_id is not None:
            self._redis().delete(self.keys.installation(e, t, "installer", user_id))
            return
        installer = self.keys.installation(e, t, "installer")
        doomed = [k for k in self._redis().scan_iter(match=installer + "*", count=500)]
        if doomed:
            self._redis().delete(*doomed)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Every installation of a workspace (or org), and how the clock finds it."""
        e, t = enterprise_id or NONE, team_id or NONE
        doomed = list(self._redis().scan_iter(match=self.keys.installations_of(e, t), count=500))
        with self._redis().pipeline() as pipe:
            if doomed:
                pipe.delete(*doomed)
            if team_id:
                pipe.hdel(self.keys.installed_workspaces(), team_id)
            pipe.execute()

    def rotation_lock(self, bot: Bot) -> Lock:
        """Held while `bot`'s token is refreshed, by whichever process does it."""
        e, t = _ids(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        key = self.keys.token_rotation_lock(e, t)
        lock: Lock = self._redis().lock(key, timeout=30, blocking_timeout=30)
        return lock

    def remember_workspace(self, team_id: str, enterprise_id: str | None, org: bool) -> None:
        """A workspace seen in a request: how the clock finds its installation later (an
        org-wide install names no workspace when it is made)."""
        where = (enterprise_id or NONE) + (":org" if org else "")
        self._redis().hset(self.keys.installed_workspaces(), team_id, where)

    def bot_for_workspace(self, team_id: str) -> Bot | None:
        """The bot installation that serves `team_id`: its own, or its org's."""
        raw = self._redis().hget(self.keys.installed_workspaces(), team_id)
        where = raw.decode() if isinstance(raw, bytes) else (raw or NONE)
        enterprise, _, org = where.partition(":")
        return self.find_bot(
            enterprise_id=None if enterprise == NONE else enterprise,
            team_id=team_id,
            is_enterprise_install=org == "org",
        )


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class RedisOAuthStateStore(OAuthStateStore):
    """One-time OAuth state values that expire: a state is issued for an install and consumed
    by its redirect, once."""

    def __init__(
        self,
        redis_client: Callable[[], redis.Redis],
        keys: Keys,
        expiration_seconds: int = STATE_SECONDS,
    ) -> None:
        self._redis = redis_client
        self.keys = keys
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        self._redis().set(self.keys.oauth_state(state), "1", ex=self.expiration_seconds, nx=True)
        return state

    def consume(self, state: str) -> bool:
        try:
            key = self.keys.oauth_state(state)
        except ValueError:
            return False
        return self._redis().getdel(key) is not None
