"""The citizen's side in the case room (issue 10), bound next to the casus bot's
commands:

    !burgerlink [bereikbaar=<hoe>]    a one-time link and code for the citizen (regie)
    !burgerlink intrekken             revoke every link of the case (regie)
    !toestemming voorstel ...         propose a consent-based grant for the citizen to
                                      approve or refuse on "Mijn hulpvraag" (regie)

The link and the code go to the regie in a direct chat (not the case room: others in
the room must not be able to log in as the citizen), with the QR code as a PNG and a
printable page as a PDF. The code is not on the paper. That a professional cannot give
again what the citizen withdrew is the case service's rule (``give_grants``), for every
caller.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from bots.casus.parse import parse_grant
from busbaan.audit.entry import AuditEntry
from busbaan.citizen import DATA_SUBJECT, links
from busbaan.citizen.model import Proposal
from busbaan.citizen.printout import pdf_page, qr_png
from busbaan.citizen.rules import rests_on_consent
from busbaan.consent import CaseScope, check_grant_lawful, check_grant_period
from busbaan.errors import PersonalData, Unlawful, UsageError
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.privacy import find_personal_data, name_kinds
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.store.repositories import new_id

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.citizen")

PROPOSAL_USAGE_NL = ("!toestemming voorstel <organisatie> <categorie>[,...] "
                     "grondslag=toestemming[,uitdrukkelijke-toestemming] tot=<JJJJ-MM-DD> "
                     "[rollen=...]")
PROPOSAL_USAGE_EN = ("!consent propose <organisation> <category>[,...] "
                     "basis=toestemming[,uitdrukkelijke-toestemming] until=<YYYY-MM-DD> "
                     "[roles=...]")


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


class CitizenDesk:
    """``!burgerlink`` and ``!toestemming voorstel``."""

    def __init__(self, bot: CasusBot, public_url: str = "http://127.0.0.1:8080") -> None:
        self.bot = bot
        self.repo = CitizenRepository(bot.engine)
        #: Where citizens reach the web app (the service sets it once the app runs).
        self.public_url = public_url

    async def _record(self, event_code: str, action: str, *, actor: str, case_id: str,
                      details: dict[str, str]) -> None:
        """An audit entry for a step on the citizen's side (links, proposals): these
        change no case, grant or access, so they do not go through the case service."""
        who = self.bot.directory(actor)
        await asyncio.to_thread(self.bot.audit.write, [AuditEntry(
            event_code=event_code, action=action, occurred_at=self.bot.clock.now(),
            outcome="done", source="casus-bot", user_id=actor,
            user_role=who.role if who else None,
            organisation=who.organisation if who else None, case_id=case_id,
            details=details)])

    # -- the way in ---------------------------------------------------------------------

    @command("burgerlink", en=["citizen link"], usage="!burgerlink [bereikbaar=<hoe>]",
             usage_en="!citizen link [reach=<how>]",
             summary="Maak een eenmalige link en code voor de burger (regie); u krijgt ze "
                     "privé, met een QR-code en een pagina om te printen.",
             summary_en="Make a one-time link and code for the citizen (lead only); you get "
                        "them privately, with a QR code and a printable page.")
    async def cmd_link(self, ctx: CommandContext) -> Reply:
        _row, scope = await self.bot.case_for(ctx)
        self.bot._require_regie(ctx, scope)
        args = ctx.args.strip()
        if args.lower() in ("intrekken", "revoke"):
            return await self._revoke(ctx, scope)
        contact = ""
        if args:
            key, sep, value = args.partition("=")
            if not sep or key.lower() not in ("bereikbaar", "reach"):
                raise UsageError("Gebruik: !burgerlink [bereikbaar=<hoe>] of !burgerlink "
                                 "intrekken.",
                                 "Use: !citizen link [reach=<how>] or !citizen link revoke.")
            contact = _professional_contact(value.strip())[:200]
        now = self.bot.clock.now()
        token, code = links.new_token(), links.new_code()
        expires = now + dt.timedelta(days=links.LINK_DAYS)
        link_id = await asyncio.to_thread(
            self.repo.add_link, case_id=scope.case_id, token_hash=links.token_hash(token),
            code_hash=links.code_hash(token, code), created_by=ctx.sender, now=now,
            expires_at=expires, contact=contact)
        url = f"{self.public_url.rstrip('/')}/burger/l/{token}"
        await self._record("citizen.link_created", "C", actor=ctx.sender, case_id=scope.case_id,
                           details={"link_id": link_id,
                                    "expires_at": expires.date().isoformat()})
        dm = await self.bot.direct_room(ctx.sender)
        day = expires.date().isoformat()
        await self.bot.runner.notice(
            dm, kind="citizen.link",
            body=t(ctx.lang,
                   f"Burgerlink voor casus {scope.case_id} (eenmalig, geldig tot {day}):\n"
                   f"{url}\nCode: {code}\nGeef de link (of de geprinte pagina) aan de burger "
                   "en vertel de code persoonlijk of aan de telefoon. Zet de code niet op papier "
                   "en niet in de casuskamer.",
                   f"Citizen link for case {scope.case_id} (one-time, valid until {day}):\n"
                   f"{url}\nCode: {code}\nGive the link (or the printed page) to the citizen "
                   "and tell them the code in person or by phone. Do not write the code on "
                   "paper or in the case room."),
            data={"case_id": scope.case_id, "link_id": link_id, "url": url, "code": code,
                  "expires_at": day})
        try:
            await self._send_file(dm, qr_png(url), "image/png",
                                  f"burgerlink-{scope.case_id}.png", image=True)
            await self._send_file(dm, pdf_page(url, expires), "application/pdf",
                                  f"burgerlink-{scope.case_id}.pdf")
        except MatrixError as exc:
            log.warning("citizen.upload_failed", case_id=scope.case_id, status=exc.status)
        return Reply(t(ctx.lang,
                       f"Ik heb u een eenmalige burgerlink en de code gestuurd in een privégesprek "
                       f"(geldig tot {day}). Intrekken: !burgerlink intrekken.",
                       f"I sent you a one-time citizen link and the code in a private chat "
                       f"(valid until {day}). Revoke: !citizen link revoke."),
                     data={"case_id": scope.case_id, "link_id": link_id, "expires_at": day,
                           "dm_room_id": dm})

    async def _send_file(self, room_id: str, data: bytes, mime: str, name: str,
                         image: bool = False) -> None:
        # The QR code and the page carry the link's token: in an encrypted chat they are
        # uploaded encrypted (an EncryptedFile under "file"), so the homeserver's media
        # store holds ciphertext only, as it does for the message (outside18).
        client = self.bot.runner.client
        room = client.rooms.get(room_id)
        encrypt = room.encrypted if room is not None else self.bot.runner.encryption
        resp, keys = await client.upload(io.BytesIO(data), content_type=mime, filename=name,
                                         filesize=len(data), encrypt=encrypt)
        uploaded = check(resp, "upload")
        content: dict[str, Any] = {"msgtype": "m.image" if image else "m.file", "body": name,
                                   "filename": name,
                                   "info": {"mimetype": mime, "size": len(data)}}
        if encrypt and keys is not None:
            content["file"] = {"url": uploaded.content_uri, "key": keys["key"],
                               "iv": keys["iv"], "hashes": keys["hashes"], "v": keys["v"]}
        else:
            content["url"] = uploaded.content_uri
        await self.bot.runner.send(room_id, content)

    async def _revoke(self, ctx: CommandContext, scope: CaseScope) -> Reply:
        now = self.bot.clock.now()
        revoked = await asyncio.to_thread(self.repo.revoke_all, scope.case_id, by=ctx.sender,
                                          now=now)
        if revoked:
            await self._record("citizen.link_revoked", "U", actor=ctx.sender,
                               case_id=scope.case_id, details={"links": ",".join(revoked)})
        return Reply(t(ctx.lang,
                       f"{len(revoked)} burgerlink(s) ingetrokken; wie ermee is ingelogd, is nu "
                       "uitgelogd.",
                       f"{len(revoked)} citizen link(s) revoked; whoever logged in with them is "
                       "logged out now."),
                     data={"case_id": scope.case_id, "revoked": revoked})

    # -- proposals ----------------------------------------------------------------------

    @command("toestemming voorstel", en=["consent propose"], usage=PROPOSAL_USAGE_NL,
             usage_en=PROPOSAL_USAGE_EN,
             summary="Vraag de burger om toestemming voor een organisatie (regie); de burger "
                     "beslist op 'Mijn hulpvraag'.",
             summary_en="Ask the citizen for consent for an organisation (lead only); the "
                        "citizen decides on 'My request for help'.")
    async def cmd_propose(self, ctx: CommandContext) -> Reply:
        _, scope = await self.bot.case_for(ctx)
        self.bot._require_regie(ctx, scope)
        req = parse_grant(ctx.args)
        policy = self.bot.policy
        now = self.bot.clock.now()
        until = (dt.datetime.combine(req.until, dt.time(23, 59, 59), dt.UTC) if req.until
                 else now + dt.timedelta(days=policy.limits.consent_default_days))
        problems = [*check_grant_lawful(policy, req.organisation, req.categories,
                                        req.legal_bases, req.roles),
                    *check_grant_period(policy, now, until)]
        if problems:
            raise Unlawful(
                "Dit voorstel kan niet; er is niets vastgelegd:\n"
                + "\n".join(f"• {p.nl}" for p in problems),
                "This proposal is not possible; nothing was recorded:\n"
                + "\n".join(f"• {p.en}" for p in problems),
                data={"rules": [p.rule for p in problems]})
        if not rests_on_consent(policy, req.legal_bases):
            raise UsageError(
                "Een voorstel aan de burger rust op toestemming (grondslag=toestemming). "
                "Rust het op een wet? Dan is geen toestemming nodig: gebruik !toestemming geef.",
                "A proposal to the citizen rests on consent (basis=toestemming). Does it rest "
                "on a law? Then no consent is needed: use !consent give.")
        proposal = Proposal(proposal_id=new_id("P"), case_id=scope.case_id,
                            organisation=req.organisation, categories=req.categories,
                            legal_bases=req.legal_bases, roles=req.roles, valid_until=until,
                            proposed_by=ctx.sender, proposed_at=now)
        await asyncio.to_thread(self.repo.add_proposal, proposal)
        await self._record("consent.proposed", "C", actor=ctx.sender, case_id=scope.case_id,
                           details={"organisation": req.organisation,
                                    "proposal_id": proposal.proposal_id,
                                    "valid_until": until.date().isoformat()})
        return Reply(t(ctx.lang,
                       f"Voorstel {proposal.proposal_id} staat klaar voor de burger op 'Mijn "
                       f"hulpvraag': {req.organisation} — {', '.join(req.categories)} — tot "
                       f"{until.date().isoformat()}. U hoort het zodra de burger beslist.",
                       f"Proposal {proposal.proposal_id} is waiting for the citizen on 'My "
                       f"request for help': {req.organisation} — {', '.join(req.categories)} — "
                       f"until {until.date().isoformat()}. You will hear when they decide."),
                     data={"case_id": scope.case_id, "proposal_id": proposal.proposal_id,
                           "organisation": req.organisation,
                           "categories": list(req.categories),
                           "valid_until": until.date().isoformat()})

    # -- the case panel widget ---------------------------------------------------------

    def panel_state(self, case_id: str) -> dict[str, Any]:
        """The case panel widget as initial state of a new case room."""
        from busbaan.web.panel import widget_content
        from busbaan.web.panel.routes import WIDGET_ID

        return {"type": "im.vector.modular.widgets", "state_key": WIDGET_ID,
                "content": widget_content(self.public_url, case_id, self.bot.user_id)}


#: What the personal-data check may find in ``bereikbaar=`` without refusing it: how
#: the citizen reaches the professional (a phone number, an e-mail address, a name, the
#: team's address). A BSN, a bank account or a date of birth is never that.
CONTACT_KINDS = frozenset({"phone", "email", "name", "address", "postcode"})


def _professional_contact(text: str) -> str:
    """``bereikbaar=``'s text, refused when the project's one check
    (:func:`busbaan.privacy.find_personal_data`) finds anything but a way to reach a
    professional. Session 19 (guidepd): it was stored unread (``citizen_link.contact``,
    shown on the citizen's page, not reached by ``busbaan audit erase``), so a pasted
    "bsn 111222333" went there as typed."""
    findings = [f for f in find_personal_data(text) if f.kind not in CONTACT_KINDS]
    if findings:
        raise PersonalData(
            f"Bij bereikbaar= lijkt {name_kinds(findings)} te staan; er is geen link "
            "gemaakt. Schrijf daar alleen hoe de burger ú bereikt, bijvoorbeeld "
            "!burgerlink bereikbaar=020 555 0101 (ma-vr 9-17 uur).",
            f"reach= seems to contain {name_kinds(findings, 'en')}; no link was made. Write "
            "there only how the citizen reaches you, for example !citizen link "
            "reach=020 555 0101 (Mon-Fri 9-17).",
            data={"kinds": [f.kind for f in findings]})
    return text


__all__ = ["CONTACT_KINDS", "DATA_SUBJECT", "CitizenDesk"]
