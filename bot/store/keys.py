"""Every Redis key the bot uses is made here, and nothing else builds a key. Each method names the
family it makes (`bot/store/key_families.py`, where each family is declared with its type, owner,
backup and meaning; the layout is `bot/store/keys.md`); each part is checked against its shape
(`bot/store/key_checks.py`) before it becomes part of a key, so user text can never form, or
collide with, another key."""

from __future__ import annotations

from datetime import date

from bot.store.key_families import FAMILIES

NONE = "-"
"""The `<ENTERPRISE>` of a workspace outside Enterprise Grid; the `<TEAM>` of an org-wide
install."""


class Keys:
    def __init__(self, prefix: str = "smallcaps:") -> None:
        self.prefix = prefix

    def _key(self, pattern: str, **parts: str | int | date) -> str:
        return FAMILIES[pattern].key(self.prefix, **parts)

    def _glob(self, pattern: str) -> str:
        return self.prefix + FAMILIES[pattern].glob

    def prices(self, symbol: str, source: str = "yahoo") -> str:
        if source == "yahoo":
            return self._key("prices:<SYMBOL>", SYMBOL=symbol)
        return self._key("prices:<SOURCE>:<CODE>", SOURCE=source, CODE=symbol)

    def prices_refresh_lock(self, source: str = "yahoo") -> str:
        if source == "yahoo":
            return self._key("lock:prices-refresh")
        return self._key("lock:prices-refresh:<SOURCE>", SOURCE=source)

    def series_answered(self) -> str:
        return self._key("sources:answered")

    def fund_snapshots(self, symbol: str) -> str:
        return self._key("funds:<SYMBOL>", SYMBOL=symbol)

    def market_version(self) -> str:
        return self._key("market:version")

    def shared_answer(self, digest: str) -> str:
        return self._key("answers:<DIGEST>", DIGEST=digest)

    def shared_answer_lock(self, digest: str) -> str:
        return self._key("lock:answers:<DIGEST>", DIGEST=digest)

    def watched_levels(self, workspace: str) -> str:
        return self._key("levels:<WORKSPACE>", WORKSPACE=workspace)

    def workspace_channels(self, workspace: str) -> str:
        return self._key("channels:<WORKSPACE>", WORKSPACE=workspace)

    def alert_next_id(self) -> str:
        return self._key("alerts:next-id")

    def alert_count(self) -> str:
        return self._key("alerts:count")

    def alert_rule(self, rule_id: int) -> str:
        return self._key("alerts:rule:<ID>", ID=rule_id)

    def alert_rule_all(self) -> str:
        """The pattern of every rule's key."""
        return self._glob("alerts:rule:<ID>")

    def alert_channel(self, channel: str) -> str:
        return self._key("alerts:channel:<CHANNEL>", CHANNEL=channel)

    def alert_index(self, watching: str, side: str, feed: str) -> str:
        """`watching` is `cross` (armed legs) or `band` (fired legs waiting to re-arm)."""
        if watching not in ("cross", "band") or side not in ("up", "down"):
            raise ValueError(f"not an alert index: {watching} {side}")
        return self._key(f"alerts:{watching}:<SIDE>:<FEED>", SIDE=side, FEED=feed)

    def alert_feeds(self) -> str:
        return self._key("alerts:feeds")

    def alert_live(self, feed: str) -> str:
        return self._key("alerts:live:<FEED>", FEED=feed)

    def alert_feeds_indexed(self) -> str:
        return self._key("alerts:feeds:indexed")

    def alert_lasts(self) -> str:
        return self._key("alerts:last")

    def alert_outbox(self) -> str:
        return self._key("alerts:outbox")

    def alert_sent(self, firing: str) -> str:
        return self._key("alerts:sent:<FIRING>", FIRING=firing)

    def alert_sent_all(self) -> str:
        """The pattern of every firing's claim."""
        return self._glob("alerts:sent:<FIRING>")

    def alert_retries(self) -> str:
        return self._key("alerts:retries")

    def alert_subscribers(self, workspace: str) -> str:
        return self._key("alerts:subscribed:<WORKSPACE>", WORKSPACE=workspace)

    def alert_ticks(self) -> str:
        return self._key("alerts:ticks")

    def alerts_lock(self) -> str:
        return self._key("lock:alerts")

    def clock_lease(self) -> str:
        return self._key("lock:clock")

    def seen_delivery(self, digest: str) -> str:
        return self._key("seen:<DIGEST>", DIGEST=digest)

    def upstream_rate(self, workspace: str, window: int, user: str | None = None) -> str:
        """A workspace's count in one window, or one of its users' when `user` is given."""
        if user is None:
            return self._key("rate:<WORKSPACE>:<WINDOW>", WORKSPACE=workspace, WINDOW=window)
        return self._key(
            "rate:<WORKSPACE>:<USER>:<WINDOW>", WORKSPACE=workspace, USER=user, WINDOW=window
        )

    def job(self, name: str) -> str:
        return self._key("jobs:<JOB>", JOB=name)

    def installation(self, enterprise: str, team: str, part: str, user: str | None = None) -> str:
        """`part` is `bot` or `installer` (with a user: that user's installation)."""
        if part not in ("bot", "installer") or (user is not None and part != "installer"):
            raise ValueError(f"not an installation part: {part}")
        workspace = {"ENTERPRISE": enterprise, "TEAM": team}
        if user is None:
            return self._key(f"installs:<ENTERPRISE>:<TEAM>:{part}", **workspace)
        return self._key("installs:<ENTERPRISE>:<TEAM>:installer:<USER>", **workspace, USER=user)

    def installations_of(self, enterprise: str, team: str) -> str:
        """The pattern of every installation key of one workspace (or org)."""
        bot = self._key("installs:<ENTERPRISE>:<TEAM>:bot", ENTERPRISE=enterprise, TEAM=team)
        return bot.removesuffix("bot") + "*"

    def installations_all(self) -> str:
        """The pattern of every installation key (and `installs:workspaces`)."""
        return f"{self.prefix}installs:*"

    def installed_workspaces(self) -> str:
        return self._key("installs:workspaces")

    def oauth_state(self, state: str) -> str:
        return self._key("oauth-state:<STATE>", STATE=state)

    def token_rotation_lock(self, enterprise: str, team: str) -> str:
        return self._key(
            "lock:token-rotation:<ENTERPRISE>:<TEAM>", ENTERPRISE=enterprise, TEAM=team
        )

    def unreadable_installations(self) -> str:
        return self._key("tokens:unreadable")

    def failed_posts(self, workspace: str) -> str:
        return self._key("posts:failed:<WORKSPACE>", WORKSPACE=workspace)

    def failed_counts(self) -> str:
        return self._key("posts:failed")

    def daily_subscription(self, channel: str) -> str:
        return self._key("daily:channel:<CHANNEL>", CHANNEL=channel)

    def daily_due(self) -> str:
        return self._key("daily:due")

    def daily_sent(self, channel: str, session: date) -> str:
        return self._key("daily:sent:<CHANNEL>:<SESSION>", CHANNEL=channel, SESSION=session)

    def daily_sent_all(self) -> str:
        """The pattern of every summary's claim."""
        return self._glob("daily:sent:<CHANNEL>:<SESSION>")

    def daily_runs(self) -> str:
        return self._key("daily:runs")
