"""The ONE place where the citizen's decisions reach the case: withdraw a grant,
approve a proposed grant, tell the regie.

Both decisions go through the case service (:mod:`busbaan.cases`, the only writer of
cases and grants: one transaction plus typed events in the outbox, which the audit and
room-state mirrors drain), as the data subject. A withdrawal also has the casus bot
remove whoever falls outside at once (the same path as ``!toestemming intrekken``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from busbaan.citizen import DATA_SUBJECT
from busbaan.citizen.model import Proposal, grant_id_for
from busbaan.consent.model import Grant
from busbaan.errors import Unavailable
from busbaan.log import get_logger

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
        return row, await self.bot.scope_of(row)

    async def withdraw(self, case_id: str, grant_id: str) -> Withdrawal:
        row, _ = await self._room(case_id)
        # CaseService.withdraw (as the data subject, channel "citizen"), then the bot
        # removes whoever falls outside while the room-state mirror writes the state.
        removed = await self.bot.withdraw(row.room_id, [grant_id], by=DATA_SUBJECT,
                                          channel=CHANNEL)
        return Withdrawal(len(removed), row.regie)

    async def approve(self, proposal: Proposal, now: dt.datetime) -> str:
        await self._room(proposal.case_id)
        grant = Grant(grant_id=grant_id_for(proposal.proposal_id),
                      organisation=proposal.organisation,
                      categories=proposal.categories, legal_bases=proposal.legal_bases,
                      roles=proposal.roles, valid_from=now, valid_until=proposal.valid_until,
                      given_by=DATA_SUBJECT)
        await asyncio.to_thread(self.bot.service.give_grants, proposal.case_id, [grant],
                                by=DATA_SUBJECT)
        await self.bot.state_mirror.settle_case(proposal.case_id)
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
