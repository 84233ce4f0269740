"""The ONE place where the citizen's decisions reach the case: withdraw a grant,
approve a proposed grant, tell the regie.

Today this calls the casus bot's own path (the same code ``!toestemming intrekken``
and ``!toestemming geef`` use: store first, then room state, reconciliation and the
audit log). When the case service (one writer of cases and grants, with an outbox)
lands, only this module changes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from busbaan.citizen import DATA_SUBJECT
from busbaan.citizen.model import Proposal
from busbaan.consent.model import Grant
from busbaan.errors import Unavailable
from busbaan.log import get_logger
from busbaan.store.repositories import new_id

__all__ = ["CaseActions", "CasusBotActions", "Withdrawal"]

log = get_logger("busbaan.web.citizen")

CHANNEL = "citizen"


@dataclass(frozen=True, slots=True)
class Withdrawal:
    removed: int  # how many people left the room because of it
    regie: str


class CaseActions(Protocol):
    async def withdraw(self, case_id: str, grant_id: str) -> Withdrawal: ...

    async def approve(self, proposal: Proposal, now: dt.datetime) -> str: ...

    async def tell_regie(self, case_id: str, *, kind: str, body: str,
                         data: dict[str, Any]) -> None: ...


def _unavailable() -> Unavailable:
    return Unavailable("De casus-bot draait niet; er is niets veranderd.",
                       "The casus bot is not running; nothing was changed.",
                       errcode="BB_BOT_UNAVAILABLE")


class CasusBotActions:
    """Carry out the citizen's decisions through the running casus bot."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def _room(self, case_id: str) -> tuple[Any, Any]:
        row = await asyncio.to_thread(self.bot.cases.get, case_id)
        if row is None or not row.room_id:
            raise _unavailable()
        if row.room_id not in self.bot.scopes:
            self.bot.scopes[row.room_id] = await self.bot.scope_of(row)
        return row, self.bot.scopes[row.room_id]

    async def withdraw(self, case_id: str, grant_id: str) -> Withdrawal:
        row, _ = await self._room(case_id)
        removed = await self.bot.withdraw(row.room_id, [grant_id], by=DATA_SUBJECT,
                                          channel=CHANNEL)
        return Withdrawal(len(removed), row.regie)

    async def approve(self, proposal: Proposal, now: dt.datetime) -> str:
        from busbaan.matrix.dispatch import CommandContext

        row, scope = await self._room(proposal.case_id)
        grant = Grant(grant_id=new_id("G"), organisation=proposal.organisation,
                      categories=proposal.categories, legal_bases=proposal.legal_bases,
                      roles=proposal.roles, valid_from=now, valid_until=proposal.valid_until,
                      given_by=DATA_SUBJECT)
        ctx = CommandContext(room_id=row.room_id, event_id="", sender=DATA_SUBJECT,
                             command="toestemming geef", args="", lang="nl")
        await self.bot._give(ctx, row, scope, [grant])
        return grant.grant_id

    async def tell_regie(self, case_id: str, *, kind: str, body: str,
                         data: dict[str, Any]) -> None:
        row = await asyncio.to_thread(self.bot.cases.get, case_id)
        if row is None or not row.room_id:
            return
        room_id, regie = row.room_id, row.regie

        async def notice() -> None:
            await self.bot.safe_notice(room_id, kind=kind, body=body,
                                       data={"case_id": case_id, **data}, mentions=(regie,))

        # In the bot's own queue of follow-ups (owned, failures logged), so the citizen's
        # page does not wait for the message to reach the room.
        self.bot.after_reply(f"citizen_notice:{kind}", notice)
