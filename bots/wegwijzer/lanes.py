"""Lanes: from an answer to a team's intake, with a clock on the first answer.

``!baan <n>`` (or a 1️⃣/2️⃣/3️⃣ reaction on the answer) opens a lane: a new room
between the asker and the members of the service's intake room, whose first message is
the question (questions with personal data never get this far) and whose second names
the service. Intake members are invited, and the room's join rule admits anyone who
joins the intake room later (``restricted`` to the intake room). A lane room is not a
case room: it has no ``nl.busbaan.case`` state, only ``nl.busbaan.lane``.

The clock: a lane waits from its opening until someone other than the asker and the
bot writes in it. A lane that waits longer than the team's target (the service's
``x_response_target_minutes``, else the default) gets one reminder, in the lane and in
the intake room. ``!baan status`` and ``GET /api/v1/lanes/status`` show the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import nio

from bots.wegwijzer.intake import IntakeReach, join_intake, team_members
from bots.wegwijzer.render import other_ways, room_link, status_texts, t
from busbaan.errors import BusbaanError, Forbidden, NotFound, UsageError
from busbaan.log import get_logger
from busbaan.matrix.crypto import with_encryption
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.matrix.reply import esc
from busbaan.routing import MAX_QUESTION_CHARS
from busbaan.store.wegwijzer_repo import LaneRepository
from busbaan.wegwijzer import (
    AnswerRecord,
    LaneRecord,
    TeamFigures,
    due_reminders,
    format_duration,
    keeps_lane_keys,
    target_minutes,
    team_figures,
    waited,
)
from busbaan.wegwijzer.audit_refs import object_refs

if TYPE_CHECKING:
    from bots.wegwijzer.bot import WegwijzerBot
    from busbaan.pseudonyms import Pseudonyms

log = get_logger("busbaan.wegwijzer.lanes")

LANE_EVENT = "nl.busbaan.lane"


@dataclass(frozen=True, slots=True)
class Opened:
    """The outcome of opening a lane (or finding the one that was opened before)."""

    lane: LaneRecord
    existing: bool
    invited: int
    service_name: str
    #: the question went in as the lane's first message (False: a question the bot
    #: could not read, `!baan mens` after its refusal; botlane)
    carried: bool = True

    def data(self) -> dict[str, Any]:
        return {"lane_id": self.lane.lane_id, "room_id": self.lane.room_id,
                "service_id": self.lane.service_id,
                "organization_id": self.lane.organization_id, "team": self.lane.team,
                "target_minutes": self.lane.target_minutes, "invited": self.invited,
                "existing": self.existing}

    def texts(self, lang: str) -> tuple[str, str]:
        target = format_duration(self.lane.target_minutes * 60, lang)
        link = room_link(self.lane.room_id, t(lang, "Naar de baan", "To the lane"))
        if self.existing:
            body = t(lang,
                     f"Voor deze vraag is al een baan naar {self.service_name} geopend.",
                     f"A lane to {self.service_name} was already opened for this question.")
        elif not self.carried:
            members_nl = "1 teamlid" if self.invited == 1 else f"{self.invited} teamleden"
            members_en = "1 team member" if self.invited == 1 else f"{self.invited} team members"
            body = t(lang,
                     f"Baan geopend naar {self.service_name}: ik heb jou en {members_nl} "
                     "uitgenodigd. Je vraag kon ik niet lezen; die heb ik niet meegestuurd en "
                     "niet bewaard: vertel in de baan waar het om gaat, zonder "
                     f"persoonsgegevens. Het team streeft naar een eerste antwoord binnen "
                     f"{target}.",
                     f"Lane opened to {self.service_name}: I invited you and {members_en}. I "
                     "could not read your question, so I did not pass it on or keep it: say "
                     "in the lane what it is about, without personal data. The team aims to "
                     f"answer first within {target}.")
        else:
            members_nl = "1 teamlid" if self.invited == 1 else f"{self.invited} teamleden"
            members_en = "1 team member" if self.invited == 1 else f"{self.invited} team members"
            body = t(lang,
                     f"Baan geopend naar {self.service_name}: ik heb jou en {members_nl} "
                     "uitgenodigd, met je vraag als eerste bericht. Het team streeft naar een "
                     f"eerste antwoord binnen {target}.",
                     f"Lane opened to {self.service_name}: I invited you and {members_en}, "
                     "with your question as its first message. The team aims to answer "
                     f"first within {target}.")
        return body, f"<p>{esc(body)}</p><p>{link}</p>"


#: The power level a lane's member needs to invite (the bot has 100, the asker and the
#: team 0): nobody but the bot brings anyone into a lane (outside27).
LANE_INVITE_LEVEL = 50


def lane_room_request(*, lane_id: str, service_name: str, organization_name: str,
                      asker: str, intake_room_id: str,
                      lane_state: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for nio's ``room_create`` for a lane (pure). No personal data
    in the name or topic: only the service."""
    return {
        "name": f"Baan · {service_name}",
        "topic": (f"Baan {lane_id} van de wegwijzer naar {service_name} ({organization_name}). "
                  "Geen persoonsgegevens: gaat het om een persoon, open dan een casuskamer "
                  "met !casus nieuw."),
        "preset": nio.RoomPreset.private_chat,
        "invite": [asker],
        # s23 (outside27): only the bot invites. private_chat lets every member invite
        # (level 0), so an asker could invite someone of another organisation, who then
        # read the question (the bot shares a lane's keys with whoever is joined). The
        # team comes in by the restricted join rule, which needs no invite power of theirs.
        "power_level_override": {"invite": LANE_INVITE_LEVEL},
        "initial_state": [
            {"type": "m.room.join_rules", "state_key": "",
             "content": {"join_rule": "restricted",
                         "allow": [{"type": "m.room_membership", "room_id": intake_room_id}]}},
            {"type": "m.room.history_visibility", "state_key": "",
             "content": {"history_visibility": "shared"}},
            {"type": "m.room.guest_access", "state_key": "",
             "content": {"guest_access": "forbidden"}},
            {"type": LANE_EVENT, "state_key": "", "content": lane_state},
        ],
    }


class LaneDesk:
    """Opens lanes, watches their first answer, reminds teams, reports figures."""

    def __init__(self, bot: WegwijzerBot, repo: LaneRepository, *, check_seconds: float,
                 default_target_minutes: int) -> None:
        self.bot = bot
        self.repo = repo
        self.check_seconds = check_seconds
        self.default_target_minutes = default_target_minutes
        self._lanes: dict[str, LaneRecord] = {}  # room_id -> lane (every lane room)
        self._lock = asyncio.Lock()  # one lane opened at a time (commands and reactions)
        self._task: asyncio.Task[None] | None = None
        self._reach_task: asyncio.Task[None] | None = None
        #: (lane room, user) whose devices may lack the lane's room keys (lanekeys)
        self._key_queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._key_task: asyncio.Task[None] | None = None
        #: Which intake rooms can take a lane now (lanes8): answers offer !baan only there.
        self.reach = IntakeReach(lambda: bot.client, lambda: bot.user_id)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        # Matrix IDs written before migration 0070 become pseudonyms before anything is
        # compared with them; IDs past the retention go (busbaan.wegwijzer.retention).
        await self.bot.sweep_ids(legacy=True)
        for lane in await asyncio.to_thread(self.repo.all):
            self._lanes[lane.room_id] = lane
        self.bot.client.add_event_callback(self.reach.on_member, nio.RoomMemberEvent)
        self._task = asyncio.create_task(self._loop(), name="wegwijzer-lanes")
        # the map's intake rooms are learned now, and the ones answers use are read again
        # before they expire, off the answers' path (botlane, session 20)
        self.reach.warm(s.matrix_room for s in self.bot.social_map.services
                        if s.matrix_room)
        self._reach_task = asyncio.create_task(self.reach.run(), name="wegwijzer-reach")
        try:  # lanes closed (or past the retention) while the bot was away: dropped
            await self.drop_lane_keys()  # before anything can give their keys out
        except Exception:
            log.exception("lane.room_keys_drop_failed")
        self._keep_lane_keys()

    # -- room keys for members' later devices (lanekeys) ---------------------------------

    def _keep_lane_keys(self) -> None:
        """A lane's history is for its members (``history_visibility: shared``), but
        nio gives a room key only to the devices it knows when it sends: a member's
        device that logs in later (or a team member who joins later) could not read the
        question. So the bot keeps the room keys it makes in its lanes — only rooms in
        its own lane records, only sessions it made itself — and gives them, as the
        ``m.room_key`` every member got, to the devices of a user who is joined to the
        lane now, when her device list changes or she joins. Nothing answers a room-key
        request: nio and Element accept a forwarded key only from their own user's
        verified devices, and Element asks no other user (docs/notes/2026-12-20s22-
        lanekeys.md)."""
        client = self.bot.client
        if getattr(client, "olm", None) is None or not hasattr(client, "kept_room_keys"):
            return
        client.keeps_room_keys = self._keeps_keys
        client.devices_changed.append(self._devices_changed)
        self.bot.runner.member_hooks.append(self._member_joined)
        self._key_task = asyncio.create_task(self._give_keys(), name="wegwijzer-lane-keys")

    def _keeps_keys(self, room_id: str) -> bool:
        """Whether a room key the bot makes in ``room_id`` is kept: only in its own lanes,
        until the lane closes and at most the retention from its opening
        (:func:`~busbaan.wegwijzer.retention.keeps_lane_keys`)."""
        lane = self._lanes.get(room_id)
        return lane is not None and keeps_lane_keys(lane, self.bot.clock.now())

    async def drop_lane_keys(self) -> int:
        """Forget the kept room keys of every lane that closed or is past the retention
        (and of a room that is no lane of the bot's any more); each lane's drop audited
        as ``lane.room_keys_dropped`` (keyed lane reference, team, how many keys, why: no
        key, no room id). How many keys were dropped. On the lane clock, at start and at
        ``!baan sluit``."""
        kept = getattr(self.bot.client, "kept_room_keys", None)
        if not kept:
            return 0
        now, total, failed = self.bot.clock.now(), 0, 0
        for room_id in list(kept):
            lane = self._lanes.get(room_id)
            if lane is not None and keeps_lane_keys(lane, now):
                continue
            try:  # one room's failure (its file write) keeps it for the next try only
                dropped = await self.bot.runner.drop_kept_keys(room_id)
            except Exception as exc:
                failed += 1
                log.warning("lane.room_keys_drop_failed", error=type(exc).__name__,
                            **object_refs(self.bot.pseudonyms, lane.lane_id) if lane else {})
                continue
            if not dropped:
                continue
            total += dropped
            if lane is None:
                log.info("lane.room_keys_dropped", keys=dropped, why="no_lane")
                continue
            why = "closed" if lane.closed_at is not None else "retention"
            refs = object_refs(self.bot.pseudonyms, lane.lane_id)
            await self.bot.record("lane.room_keys_dropped", "D", actor=None,
                                  details={"keys": str(dropped), "why": why,
                                           "team": lane.team, **refs})
            log.info("lane.room_keys_dropped", keys=dropped, why=why, team=lane.team, **refs)
        if failed:
            raise RuntimeError(f"{failed} lane(s)' kept keys could not be dropped")
        return total

    def _devices_changed(self, users: frozenset[str]) -> None:
        for room_id, kept in list(self.bot.client.kept_room_keys.items()):
            room = self.bot.client.rooms.get(room_id)
            if kept and room is not None and room_id in self._lanes:
                for user_id in users & set(room.users):
                    self._key_queue.put_nowait((room_id, user_id))

    async def _member_joined(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        if (isinstance(event, nio.RoomMemberEvent) and event.membership == "join"
                and event.prev_membership != "join"
                and room.room_id in self._lanes
                and self.bot.client.kept_room_keys.get(room.room_id)):
            self._key_queue.put_nowait((room.room_id, event.state_key))

    async def _give_keys(self) -> None:
        while True:
            room_id, user_id = await self._key_queue.get()
            lane = self._lanes.get(room_id)
            try:
                if (lane is None or user_id == self.bot.user_id
                        or not keeps_lane_keys(lane, self.bot.clock.now())):
                    continue  # (a closed lane's, or one past the retention: its drop is due)
                devices = await self.bot.runner.share_kept_keys(room_id, user_id)
                if devices:
                    # who, which lane (keyed reference), how many devices: no text
                    await self.bot.record("lane.room_key_shared", "E", actor=user_id,
                                          details={"devices": str(devices),
                                                   "team": lane.team,
                                                   **object_refs(self.bot.pseudonyms,
                                                                 lane.lane_id)})
                    log.info("lane.room_key_shared", devices=devices, team=lane.team,
                             **object_refs(self.bot.pseudonyms, lane.lane_id))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one failure logged; the next change tries again
                log.warning("lane.room_key_share_failed", error=type(exc).__name__,
                            **object_refs(self.bot.pseudonyms, lane.lane_id) if lane else {})
            finally:
                self._key_queue.task_done()

    async def reload(self) -> None:
        """Read every lane again (after a key rotation re-keyed their askers)."""
        for lane in await asyncio.to_thread(self.repo.all):
            self._lanes[lane.room_id] = lane

    async def stop(self) -> None:
        client = self.bot.client
        if self._devices_changed in getattr(client, "devices_changed", ()):
            client.devices_changed.remove(self._devices_changed)
        if self._member_joined in self.bot.runner.member_hooks:
            self.bot.runner.member_hooks.remove(self._member_joined)
        for task in (self._task, self._reach_task, self._key_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._reach_task = self._key_task = None
        await self.reach.close()

    def lane_in(self, room_id: str) -> LaneRecord | None:
        """The lane whose room this is, if any (closed lanes too)."""
        return self._lanes.get(room_id)

    # -- opening ------------------------------------------------------------------------

    async def open(self, *, room_id: str, sender: str, answer: AnswerRecord, n: int,
                   lang: str, service_id: str | None = None, unread: bool = False) -> Opened:
        """Open a lane to result ``n`` (1-based) of ``answer``, or to ``service_id`` (the
        human triage desk, ``!baan mens``); see the module doc. ``unread``: after a
        question the bot could not read (nothing of it goes into the lane)."""
        await self.bot.check_key()  # the lane's asker is written under this key
        if not self.bot.is_asker(answer, sender):
            if self.bot.before_key_change(answer):
                from bots.wegwijzer.bot import answer_before_key_change

                raise answer_before_key_change()
            raise Forbidden(
                "Alleen wie de vraag stelde kan er een baan uit openen. Stel je eigen vraag "
                "met !wie <vraag>.",
                "Only the person who asked can open a lane from this answer. Ask your own "
                "question with !who <question>.",
                errcode="BB_NOT_ASKER")
        if service_id is None and not 1 <= n <= len(answer.results):
            raise UsageError(
                f"Kies een nummer van 1 tot {len(answer.results)} uit het antwoord."
                if answer.results else "Dit antwoord noemde geen diensten om een baan naar "
                "te openen; stel de vraag anders.",
                f"Choose a number from 1 to {len(answer.results)} from the answer."
                if answer.results else "This answer named no services to open a lane to; "
                "ask differently.",
                errcode="BB_NO_SUCH_RESULT", data={"results": len(answer.results)})
        target_id = service_id if service_id is not None else answer.results[n - 1].service_id
        social_map = self.bot.social_map
        service = social_map.service(target_id)
        async with self._lock:
            existing = await asyncio.to_thread(self.repo.for_answer, answer.answer_id,
                                               target_id)
            if existing is not None:
                name = service.name if service else target_id
                return Opened(existing, True, 0, name, carried=not unread)
            if service is None:
                raise NotFound(
                    f"De dienst {target_id} staat niet meer op de sociale kaart; stel de "
                    "vraag opnieuw.",
                    f"Service {target_id} is no longer on the social map; ask again.",
                    errcode="BB_UNKNOWN_SERVICE", data={"service_id": target_id})
            org = social_map.organizations.get(service.organization_id)
            org_name = org.name if org else service.organization_id
            contact = other_ways(service, lang)
            if not service.matrix_room:
                raise NotFound(
                    f"{service.name} ({org_name}) heeft geen intakekamer in busbaan, dus ik kan "
                    f"geen baan openen. Zo bereik je ze: {contact}.",
                    f"{service.name} ({org_name}) has no intake room in busbaan, so I cannot "
                    f"open a lane. Reach them this way: {contact}.",
                    errcode="BB_NO_INTAKE_ROOM",
                    data={"service_id": service.id, "contact": contact})
            intake_id = await join_intake(self.bot.client, service.matrix_room)
            if intake_id is None:
                raise NotFound(
                    f"De intakekamer van {service.name} ({service.matrix_room}) is voor mij "
                    f"niet bereikbaar; er is geen baan geopend. Zo bereik je ze: {contact}.",
                    f"The intake room of {service.name} ({service.matrix_room}) cannot be "
                    f"reached; no lane was opened. Reach them this way: {contact}.",
                    errcode="BB_INTAKE_UNREACHABLE",
                    data={"service_id": service.id, "contact": contact})
            everyone = await team_members(self.bot.client, intake_id,
                                          exclude=(self.bot.user_id,))
            self.reach.note(service.matrix_room, intake_id, everyone)
            team = [m for m in everyone if m != sender]
            if not team:
                raise NotFound(
                    f"In de intakekamer van {service.name} zit nog niemand van het team; er is "
                    f"geen baan geopend. Zo bereik je ze: {contact}.",
                    f"Nobody of the team is in the intake room of {service.name} yet; no lane "
                    f"was opened. Reach them this way: {contact}.",
                    errcode="BB_INTAKE_EMPTY",
                    data={"service_id": service.id, "contact": contact})
            question = None if unread else await self.bot.question_for(answer, room_id)
            lane_id = self.repo.new_id()
            target = target_minutes(service.response_target_minutes,
                                    self.default_target_minutes)
            state = {"lane_id": lane_id, "service_id": service.id,
                     "organization_id": service.organization_id, "team": service.matrix_room,
                     "asker": sender, "target_minutes": target}
            created = check(await self.bot.client.room_create(**with_encryption(
                lane_room_request(
                    lane_id=lane_id, service_name=service.name, organization_name=org_name,
                    asker=sender, intake_room_id=intake_id, lane_state=state),
                self.bot.runner.encryption)), "createRoom")
            opened_at, intake_alias = self.bot.clock.now(), service.matrix_room

            def add(pseudonyms: Pseudonyms) -> tuple[LaneRecord, LaneRecord | None]:
                lane = LaneRecord(
                    lane_id=lane_id, room_id=created.room_id, answer_id=answer.answer_id,
                    service_id=service.id, organization_id=service.organization_id,
                    team=intake_alias, asker=pseudonyms.lane_person(lane_id, sender),
                    target_minutes=target, opened_at=opened_at,
                    intake_room_id=intake_id, asker_user_id=sender,
                    question_room_id=room_id)
                return lane, self.repo.add(lane, answer.question_sha256,
                                           key=pseudonyms.fingerprint())

            try:
                lane, stored = await self.bot.write_under_key(add)
            except BaseException:  # nothing stored (a key rotated away): no room either
                await self._abandon(created.room_id)
                raise
            if stored is None:  # opened meanwhile by another path: keep the first
                await self._abandon(created.room_id)
                first = await asyncio.to_thread(self.repo.for_answer, answer.answer_id,
                                                service.id)
                assert first is not None
                return Opened(first, True, 0, service.name, carried=not unread)
            self._lanes[lane.room_id] = lane
            invited = await self._invite(lane, team)
        if self.bot.runner.encryption:  # the room key must reach asker and team (issue 11)
            await self.bot.runner.members_known(lane.room_id, [sender, *team])
        await self._first_messages(lane, sender, question, service.name, org_name, invited,
                                   unread=unread)
        # the lane and its answer by keyed reference, and no room id (session 11,
        # busbaan.wegwijzer.audit_refs)
        await self.bot.record("lane.opened", "C", actor=sender, details={
            "service_id": lane.service_id, "organization_id": lane.organization_id,
            "team": lane.team, "invited": str(invited), "target_minutes": str(target),
            **object_refs(self.bot.pseudonyms, lane.lane_id, answer.answer_id)})
        # log lines name a lane and its answer as the audit entries do, by keyed
        # reference; never by id or room (session 12, privacy14)
        log.info("lane.opened", service_id=lane.service_id, team=lane.team, invited=invited,
                 target_minutes=target,
                 **object_refs(self.bot.pseudonyms, lane.lane_id, answer.answer_id))
        return Opened(lane, False, invited, service.name, carried=not unread)

    async def _invite(self, lane: LaneRecord, team: list[str]) -> int:
        invited = 0
        for user_id in team:
            resp = await self.bot.client.room_invite(lane.room_id, user_id)
            if isinstance(resp, nio.RoomInviteResponse):
                invited += 1
            else:
                log.warning("lane.invite_failed", user_id=user_id,
                            status=getattr(resp, "status_code", None),
                            **object_refs(self.bot.pseudonyms, lane.lane_id))
        return invited

    async def _abandon(self, room_id: str) -> None:
        with contextlib.suppress(Exception):
            await self.bot.client.room_leave(room_id)
            await self.bot.client.room_forget(room_id)

    async def _first_messages(self, lane: LaneRecord, asker: str, question: str | None,
                              service_name: str, org_name: str, invited: int, *,
                              unread: bool = False) -> None:
        """The question (first), the notice naming the service, the intake announcement
        (``asker``: the Matrix ID; the room names them, the store does not)."""
        client_lang = "nl"  # lane rooms are shared with the team: Dutch
        cut = question is not None and len(question) >= MAX_QUESTION_CHARS
        if question is not None and cut:
            # outside26: a question longer than the router reads went in cut off mid-word,
            # with nothing to tell the team that more was asked than they see
            head = (f"Vraag van {asker} (ingekort: de wegwijzer las alleen de eerste "
                    f"{MAX_QUESTION_CHARS} tekens; {asker}: zet hier wat verderop stond, als "
                    "het ertoe doet)")
            body = f"{head}:\n\n{question}…"
            html = f"<p>{esc(head)}:</p><blockquote>{esc(question)}…</blockquote>"
        elif question is not None:
            body = f"Vraag van {asker}:\n\n{question}"
            html = f"<p>Vraag van {esc(asker)}:</p><blockquote>{esc(question)}</blockquote>"
        elif unread:
            body = (f"{asker} stelde de wegwijzer een vraag die hij niet kon lezen (een ander "
                    "schrift, alleen emoji of een taal die hij niet kent); die vraag is niet "
                    f"meegestuurd en niet bewaard. {asker}: vertel hier waar het om gaat "
                    "(zonder persoonsgegevens). Team: spreekt iemand de taal, kijk dan mee.")
            html = f"<p>{esc(body)}</p>"
        else:
            body = (f"{asker}: ik kon je vraag niet meer ophalen; zet hem hier neer (zonder "
                    "persoonsgegevens).")
            html = f"<p>{esc(body)}</p>"
        await self.bot.runner.notice(lane.room_id, kind="lane.question", body=body, html=html,
                                     data={"lane_id": lane.lane_id,
                                           "carried": question is not None,
                                           "cut": cut, "unread": unread},
                                     mentions=(asker,))
        target = format_duration(lane.target_minutes * 60, client_lang)
        opened = (f"Deze baan loopt naar {service_name} ({org_name}), geopend via de wegwijzer. "
                  f"Team: graag een eerste antwoord binnen {target}. Dit is geen casuskamer: "
                  "deel hier geen persoonsgegevens; gaat het om een persoon, open dan een "
                  "casuskamer met !casus nieuw. Sluiten: !baan sluit.")
        await self.bot.runner.notice(lane.room_id, kind="lane.opened", body=opened,
                                     data={"lane_id": lane.lane_id,
                                           "service_id": lane.service_id,
                                           "organization_id": lane.organization_id,
                                           "team": lane.team,
                                           "target_minutes": lane.target_minutes,
                                           "invited": invited})
        if lane.intake_room_id:
            text = (f"Nieuwe baan voor {service_name} van {asker} (doel eerste antwoord: "
                    f"{target}). Iedereen in deze intakekamer kan erin.")
            html = f"<p>{esc(text)}</p><p>{room_link(lane.room_id, 'Naar de baan')}</p>"
            try:
                await self.bot.runner.notice(lane.intake_room_id, kind="lane.announced",
                                             body=f"{text} https://matrix.to/#/{lane.room_id}",
                                             html=html,
                                             data={"lane_id": lane.lane_id,
                                                   "room_id": lane.room_id,
                                                   "service_id": lane.service_id})
            except MatrixError:
                log.warning("lane.announce_failed",
                            **object_refs(self.bot.pseudonyms, lane.lane_id))

    # -- the clock ----------------------------------------------------------------------

    async def on_lane_message(self, lane: LaneRecord, sender: str) -> None:
        """A message in a lane room: the first one from the team stops the clock."""
        if sender == self.bot.user_id or not lane.waiting:
            return
        try:
            await self.bot.check_key()  # compared and written under this key
        except BusbaanError as exc:
            log.info("lane.message_not_recorded", errcode=exc.errcode,
                     **object_refs(self.bot.pseudonyms, lane.lane_id))
            return
        lane = self._lanes.get(lane.room_id, lane)  # re-read if the key was switched
        if self.bot.lane_person(lane.lane_id, sender) == lane.asker or not lane.waiting:
            return
        now = self.bot.clock.now()
        try:
            first = await self.bot.write_under_key(
                lambda pseudonyms: self.repo.first_answer(
                    lane.lane_id, by=pseudonyms.lane_person(lane.lane_id, sender), at=now,
                    key=pseudonyms.fingerprint()))
        except BusbaanError as exc:
            log.info("lane.message_not_recorded", errcode=exc.errcode,
                     **object_refs(self.bot.pseudonyms, lane.lane_id))
            return
        current = await asyncio.to_thread(self.repo.get, lane.lane_id)
        if current is not None:
            self._lanes[lane.room_id] = current
        if not first or current is None:
            return
        seconds = round(waited(current, now).total_seconds())
        await self.bot.record("lane.answered", "U", actor=sender, details={
            "service_id": lane.service_id, "team": lane.team,
            "seconds_to_first_answer": str(seconds),
            **object_refs(self.bot.pseudonyms, lane.lane_id)})
        log.info("lane.first_answer", team=lane.team, seconds=seconds,
                 **object_refs(self.bot.pseudonyms, lane.lane_id))
        answer = await asyncio.to_thread(self.bot.answers.get, lane.answer_id)
        if answer is not None:  # a lane the team took up: the service fitted
            await self.bot.learn(answer, lane.lane_id, [(lane.service_id, 1)], actor=sender,
                                 room_id=lane.question_room_id)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.remind_due()
            except Exception:
                log.exception("lane.remind_failed")
            try:
                await self.bot.sweep_ids(legacy=False)
            except Exception:
                log.exception("wegwijzer.sweep_failed")
            try:
                await self.drop_lane_keys()
            except Exception:
                log.exception("lane.room_keys_drop_failed")

    async def remind_due(self) -> int:
        """Remind the teams of lanes that wait past their target (once per lane)."""
        now = self.bot.clock.now()
        due = due_reminders(await asyncio.to_thread(self.repo.waiting), now)
        sent = 0
        for lane in due:
            if not await asyncio.to_thread(self.repo.reminded, lane.lane_id, now):
                continue
            self._lanes[lane.room_id] = replace(lane, reminded_at=now)
            wait = format_duration(round(waited(lane, now).total_seconds()))
            target = format_duration(lane.target_minutes * 60)
            service = self.bot.social_map.service(lane.service_id)
            name = service.name if service else lane.service_id
            data = {"lane_id": lane.lane_id, "service_id": lane.service_id,
                    "team": lane.team, "waited_seconds": round(waited(lane, now).total_seconds()),
                    "target_minutes": lane.target_minutes}
            text = (f"Herinnering: deze baan naar {name} wacht al {wait} op een eerste antwoord "
                    f"van het team (doel: {target}).")
            try:
                await self.bot.runner.notice(lane.room_id, kind="lane.reminder", body=text,
                                             data=data)
                if lane.intake_room_id:
                    # the asker's Matrix ID is kept for this while the lane waits; a lane
                    # past the retention (or stored before 0070) is reminded without it
                    of = f" van {lane.asker_user_id}" if lane.asker_user_id else ""
                    intake = (f"Herinnering: een baan voor {name}{of} wacht al "
                              f"{wait} op een eerste antwoord (doel: {target}).")
                    await self.bot.runner.notice(
                        lane.intake_room_id, kind="lane.reminder",
                        body=f"{intake} https://matrix.to/#/{lane.room_id}",
                        html=f"<p>{esc(intake)}</p><p>{room_link(lane.room_id, 'Naar de baan')}"
                             "</p>",
                        data={**data, "room_id": lane.room_id})
            except MatrixError:
                log.warning("lane.reminder_not_sent",
                            **object_refs(self.bot.pseudonyms, lane.lane_id))
            await self.bot.record("lane.reminded", "E", actor=None, details={
                "service_id": lane.service_id, "team": lane.team,
                "waited_seconds": str(data["waited_seconds"]),
                **object_refs(self.bot.pseudonyms, lane.lane_id)})
            log.info("lane.reminded", team=lane.team,
                     **object_refs(self.bot.pseudonyms, lane.lane_id))
            sent += 1
        return sent

    async def figures(self) -> list[TeamFigures]:
        return team_figures(await asyncio.to_thread(self.repo.all), self.bot.clock.now())

    # -- commands -----------------------------------------------------------------------

    @command("baan", en=["lane"], usage="!baan <nummer>", usage_en="!lane <number>",
             summary="Open een baan naar team 1, 2 of 3 uit het laatste antwoord (of het "
                     "antwoord waarop je reageert).",
             summary_en="Open a lane to team 1, 2 or 3 of the last answer (or the answer "
                        "you reply to).")
    async def cmd_lane(self, ctx: CommandContext) -> Reply:
        arg = ctx.args.strip().removeprefix("#")
        if not arg.isdecimal() or len(arg) > 3:  # "1"…"3"; never int() of 5,000 digits
            # outside16: the four things `!baan` takes, as !wegwijzer lists them ("mens"
            # was missing, so a bare `!baan` did not show how to reach a person)
            raise UsageError(
                "Noem het nummer van de dienst uit het antwoord (1, 2 of 3), of 'mens', "
                "'status' of 'sluit'.",
                "Name the number of the service in the answer (1, 2 or 3), or 'human', "
                "'status' or 'close'.",
                errcode="BB_USAGE")
        answer = await self.bot.find_answer(ctx.room_id, ctx.sender, ctx.in_reply_to)
        opened = await self.open(room_id=ctx.room_id, sender=ctx.sender, answer=answer,
                                 n=int(arg), lang=ctx.lang)
        body, html = opened.texts(ctx.lang)
        return Reply(body, html, data=opened.data())

    @command("baan status", en=["lane status"], usage="!baan status",
             usage_en="!lane status",
             summary="Per team: open banen en de mediaan tijd tot het eerste antwoord.",
             summary_en="Per team: open lanes and the median time to the first answer.")
    async def cmd_status(self, ctx: CommandContext) -> Reply:
        figures = await self.figures()
        body, html = status_texts(figures, self.bot.team_names(), ctx.lang)
        return Reply(body, html, data={
            "teams": [f.to_json() for f in figures],
            "default_target_minutes": self.default_target_minutes})

    @command("baan mens", en=["lane human"], aliases=["baan triage"],
             usage="!baan mens", usage_en="!lane human",
             summary="Open een baan naar een mens die meedenkt (de triage van het "
                     "buurtteam of het sociaal loket) met je laatste vraag.",
             summary_en="Open a lane to a person who thinks along (the triage desk of the "
                        "neighbourhood team or the social desk) with your last question.")
    async def cmd_human(self, ctx: CommandContext) -> Reply:
        unread = (None if ctx.in_reply_to
                  else self.bot.unread_question(ctx.room_id, ctx.sender))
        if unread is not None:
            # outside23 finding 7: the newest question could not be read (another script,
            # emoji only, another language): no answer to open a lane from, but a person
            # can still look: the desk of the stadsdeel it named, else the general one,
            # without the question (nothing of it is carried or kept)
            if self.bot.router.triage_desk(unread.stadsdeel) is None:
                raise no_triage_desk()
            await self.bot.check_key()
            answer = await self.bot.unread_answer(ctx.room_id, ctx.sender, ctx.event_id,
                                                  unread)
        else:
            answer = await self.bot.find_answer(ctx.room_id, ctx.sender, ctx.in_reply_to)
        desk = self.bot.router.triage_desk(self.bot.stadsdeel_of(answer.answer_id))
        if desk is None:
            raise no_triage_desk()
        try:
            opened = await self.open(room_id=ctx.room_id, sender=ctx.sender, answer=answer,
                                     n=0, lang=ctx.lang, service_id=desk.id,
                                     unread=unread is not None)
        except NotFound as exc:
            # The stadsdeel's desk cannot take a lane (no intake room, or none reachable,
            # or nobody in it): the general desk can (outside6: Oost/West/Centrum in
            # make dev had no intake room while the general desk had one).
            general = self.bot.router.triage_desk(None)
            if general is None or general.id == desk.id or exc.errcode not in (
                    "BB_NO_INTAKE_ROOM", "BB_INTAKE_UNREACHABLE", "BB_INTAKE_EMPTY"):
                raise
            log.info("lane.triage_fallback", desk=desk.id, general=general.id,
                     reason=exc.errcode)
            opened = await self.open(room_id=ctx.room_id, sender=ctx.sender, answer=answer,
                                     n=0, lang=ctx.lang, service_id=general.id,
                                     unread=unread is not None)
        body, html = opened.texts(ctx.lang)
        return Reply(body, html, data={**opened.data(), "triage": True,
                                       "carried": opened.carried})

    @command("baan sluit", en=["lane close"], aliases=["baan sluiten"],
             usage="!baan sluit", usage_en="!lane close",
             summary="Sluit deze baan (in de baan zelf).",
             summary_en="Close this lane (in the lane itself).")
    async def cmd_close(self, ctx: CommandContext) -> Reply:
        lane = self.lane_in(ctx.room_id)
        if lane is None:
            raise UsageError("Dit is geen baan; !baan sluit werkt alleen in een baan.",
                             "This is not a lane; !lane close works only in a lane.",
                             errcode="BB_NOT_A_LANE")
        await self.bot.check_key()
        now = self.bot.clock.now()
        closed = await self.bot.write_under_key(
            lambda pseudonyms: self.repo.close(
                lane.lane_id, by=pseudonyms.lane_person(lane.lane_id, ctx.sender), at=now,
                key=pseudonyms.fingerprint()))
        if not closed:
            raise UsageError("Deze baan is al gesloten.", "This lane is already closed.",
                             errcode="BB_LANE_CLOSED")
        # closed in memory at once, whatever the read below does: its kept room keys go
        # now, and nothing gives them out (the drop does not depend on the read back)
        self._lanes[lane.room_id] = replace(lane, closed_at=now)
        try:
            try:
                current = await asyncio.to_thread(self.repo.get, lane.lane_id)
            except Exception as exc:  # closed in the store: the copy above will do
                current = None
                log.warning("lane.reread_failed", error=type(exc).__name__,
                            **object_refs(self.bot.pseudonyms, lane.lane_id))
            if current is not None and current.closed_at is not None:
                self._lanes[lane.room_id] = current
            await self.bot.record("lane.closed", "U", actor=ctx.sender,
                                  details={"team": lane.team,
                                           **object_refs(self.bot.pseudonyms, lane.lane_id)})
        finally:
            try:  # its kept room keys go with it (the lane clock tries again on a failure)
                await self.drop_lane_keys()
            except Exception:
                log.exception("lane.room_keys_drop_failed")
        text = t(ctx.lang, "Deze baan is gesloten. Bedankt!", "This lane is closed. Thank you!")
        return Reply(text, data={"lane_id": lane.lane_id})


def no_triage_desk() -> NotFound:
    """The map names no human triage desk (``x_triage``)."""
    return NotFound(
        "Deze sociale kaart noemt geen triage-balie (x_triage), dus ik kan geen baan "
        "naar een mens openen. Kies een van de drie diensten met !baan <nummer>.",
        "This social map names no triage desk (x_triage), so I cannot open a lane to "
        "a person. Choose one of the three services with !lane <number>.",
        errcode="BB_NO_TRIAGE_DESK")


def error_data(exc: BusbaanError) -> dict[str, Any]:
    """The notice data for a refusal (errcode plus the error's own data)."""
    return {"errcode": exc.errcode, **exc.data}
