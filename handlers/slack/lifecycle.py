"""The app removed from a workspace: `app_uninstalled`, or its bot token revoked
(`tokens_revoked`). Its installation and everything it owns are deleted in one transaction
(`bot/workspaces.py`), logged with the counts; a reinstall starts clean. A revoked user token
only removes that user's installation."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.services import Services
from bot.slack.replies import acknowledge

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    def uninstalled(context: BoltContext) -> None:
        forget(services, context)

    def revoked(event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            forget(services, context)
            return
        store = app.installation_store
        for user in tokens.get("oauth") or []:
            if store is not None:
                store.delete_installation(
                    enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user
                )
            log.warning("user %s revoked their token in %s", user, context.team_id)

    app.event("app_uninstalled")(ack=acknowledge, lazy=[uninstalled])
    app.event("tokens_revoked")(ack=acknowledge, lazy=[revoked])


def forget(services: Services, context: BoltContext) -> None:
    """Everything of the workspace (or of every workspace of an org-wide install)."""
    enterprise = context.enterprise_id
    if context.team_id and not context.is_enterprise_install:
        services.workspaces.forget(context.team_id, enterprise)
        return
    if enterprise:
        for workspace in services.workspaces.of_org(enterprise):
            services.workspaces.forget(workspace, enterprise)
        services.workspaces.forget_org(enterprise)
