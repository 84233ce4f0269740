"""Erasure (AVG art. 17) outside the audit log: the case's free text in the store.

``busbaan audit erase`` crypto-shreds the case's sealed details in the audit log. The
same free text (a close or handover reason) also sits in clear in two places of the
store, and :func:`scrub_case_free_text` overwrites it there, in the erasure's own
transaction (the audit log calls it as a hook, so it never imports case tables):

- ``outbox_event.payload``: each value of the event's ``personal`` map. The map keeps
  its keys, so the event still parses; an event the audit mirror has not appended yet
  is appended with the marker instead of the text.
- ``handover.reason`` and ``handover.decline_reason``.
- ``bot_command``: a command not yet answered (session 19, guidepd; open since session
  14): the inbox drops a command's text once its reply is sent, but a command still
  waiting (its work not yet committed, or its reply not yet sent: a crash, a homeserver
  away) kept ``!casus sluiten <reden>`` in clear. Such a command of the case (sent in
  the case room, or naming the case id in a direct chat: ``!weiger C-… <reden>``,
  ``!noodtoegang C-… <reden>``; or ``!weiger <reden>`` naming none from someone whose
  one open proposal is this case's) loses its text; one whose work did not commit is not
  run any more but answered, saying why and what to do (nothing of it was done); a
  reply kept for sending has the case's free texts (the ``personal`` values found
  above) replaced by the marker.

Every other column of the case stays as it is, and no other case is touched. What this
cannot reach: old row versions in SQLite's or PostgreSQL's WAL (the audit log's purge
truncates the SQLite WAL and vacuums the overwritten tables on PostgreSQL, which ends
the dead rows but not bytes in free space or archived WAL), backups and replicas, the
homeserver's copy of the message (ciphertext in an encrypted room) and the members'
clients (docs/notes/2026-12-17s19-guidepd.md).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from busbaan.matrix.reply import reply_content
from busbaan.store.models import CaseRow, HandoverRow
from busbaan.store.service_tables import bot_command_table, outbox_table

ERASED = "[gewist: AVG art. 17]"
"""What an erased free text reads afterwards (the same in every language)."""

_handover = HandoverRow.__table__  # type: ignore[attr-defined]
_case = CaseRow.__table__  # type: ignore[attr-defined]

#: The answer to a command of an erased case whose work had not been done: it is not
#: run (its text is gone), and the sender is told so and what to do (house rule 4).
ERASED_COMMAND_NL = (
    "Dit commando is niet uitgevoerd: de vrije tekst van casus {case_id} is gewist op "
    "verzoek (AVG art. 17), ook die van dit commando, voordat ik eraan toekwam. Er is "
    "niets veranderd. Is het nog nodig, stuur het dan opnieuw, zonder naam, BSN of adres.")
ERASED_COMMAND_EN = (
    "This command was not carried out: the free text of case {case_id} was erased on "
    "request (GDPR art. 17), this command's too, before I came to it. Nothing was "
    "changed. If it is still needed, send it again, without a name, BSN or address.")


def scrub_case_free_text(conn: Connection, case_id: str) -> Mapping[str, int]:
    """Overwrite the case's free-text reasons in the store; how many per table.

    Runs inside the caller's transaction and commits nothing itself.
    """
    texts = _personal_texts(conn, case_id)  # before the outbox loses them
    return {"outbox_event": _scrub_outbox(conn, case_id),
            "handover": _scrub_handovers(conn, case_id),
            "bot_command": _scrub_inbox(conn, case_id, texts)}


def _personal_texts(conn: Connection, case_id: str) -> list[str]:
    """The case's free texts (the ``personal`` values of its events), longest first."""
    t = outbox_table
    found: set[str] = set()
    for (payload,) in conn.execute(sa.select(t.c.payload).where(t.c.case_id == case_id)):
        personal = payload.get("personal") if isinstance(payload, Mapping) else None
        if isinstance(personal, Mapping):
            found |= {v for v in personal.values() if isinstance(v, str) and v and v != ERASED}
    # as written in a reply's HTML too ("&" as "&amp;")
    found |= {html.escape(v, quote=False) for v in found}
    return sorted(found, key=len, reverse=True)


def _scrub_inbox(conn: Connection, case_id: str, texts: list[str]) -> int:
    """The case's unanswered commands in the bots' inbox: the text goes; a command not
    yet run is answered instead of run; a kept reply loses the case's free texts."""
    t = bot_command_table
    room_id = conn.execute(sa.select(_case.c.room_id)
                           .where(_case.c.case_id == case_id)).scalar()
    rows = conn.execute(sa.select(t.c.bot, t.c.event_id, t.c.room_id, t.c.event, t.c.status,
                                  t.c.reply).where(t.c.status != "replied")).all()
    scrubbed = 0
    for bot, event_id, room, event, status, reply in rows:
        event = dict(event or {})
        text = f"{event.get('text') or ''}\n{event.get('markup') or ''}"
        if (room != room_id and case_id.lower() not in text.lower()
                and not _declines_this_case(conn, case_id, event, text)):
            continue  # another case's command, or one that names none
        kept = {**event, "text": ERASED, **({"markup": ERASED} if event.get("markup") else {})}
        values: dict[str, object] = {"event": kept}
        if status == "new":
            # Never run: its text is gone. Answered now, as a refusal that changed nothing.
            values.update(status="handled", reply=reply_content(
                command=str(event.get("command") or "?"), ok=False, errcode="BB_ERASED",
                data={"case_id": case_id},
                body=ERASED_COMMAND_NL.format(case_id=case_id) + "\n\n"
                + ERASED_COMMAND_EN.format(case_id=case_id),
                in_reply_to=event_id, thread_root=event.get("thread_root")))
        elif reply is not None:
            values["reply"] = _without_texts(reply, texts)
        conn.execute(t.update().where(t.c.bot == bot, t.c.event_id == event_id)
                     .values(**values))
        scrubbed += 1
    return scrubbed


_ANY_CASE_ID = re.compile(r"\bC-[A-Z2-9]{8}\b", re.IGNORECASE)


def _declines_this_case(conn: Connection, case_id: str, event: Mapping[str, Any],
                        text: str) -> bool:
    """A ``!weiger <reden>`` that names no case, from someone whose one open proposal
    is this case's: the handover desk reads it as this case's (``_locate``: the one
    open proposal addressed to the sender), so its reason is this case's free text."""
    sender = event.get("sender")
    if event.get("command") != "weiger" or not sender or _ANY_CASE_ID.search(text):
        return False
    t = _handover
    open_cases = conn.execute(sa.select(t.c.case_id).where(
        t.c.addressee == sender, t.c.status == "proposed")).scalars().all()
    return list(open_cases) == [case_id]


def _without_texts(value: Any, texts: list[str]) -> Any:
    """``value`` (a reply's JSON) with each of ``texts`` replaced by the marker."""
    if isinstance(value, str):
        for text in texts:
            value = value.replace(text, ERASED)
        return value
    if isinstance(value, Mapping):
        return {k: _without_texts(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_texts(v, texts) for v in value]
    return value


def _scrub_outbox(conn: Connection, case_id: str) -> int:
    t = outbox_table
    scrubbed = 0
    rows = conn.execute(sa.select(t.c.seq, t.c.payload).where(t.c.case_id == case_id)).all()
    for seq, payload in rows:
        cleaned = _without_personal(payload)
        if cleaned is not None:
            conn.execute(t.update().where(t.c.seq == seq).values(payload=cleaned))
            scrubbed += 1
    return scrubbed


def _without_personal(payload: Any) -> dict[str, Any] | None:
    """The payload with every ``personal`` value replaced, or None if it holds none."""
    if not isinstance(payload, Mapping):
        return None
    personal = payload.get("personal")
    if not isinstance(personal, Mapping) or all(v == ERASED for v in personal.values()):
        return None
    return {**payload, "personal": {key: ERASED for key in personal}}


def _scrub_handovers(conn: Connection, case_id: str) -> int:
    t = _handover
    reasons = conn.execute(
        t.update().where(t.c.case_id == case_id, t.c.reason != ERASED).values(reason=ERASED)
    ).rowcount
    declines = conn.execute(
        t.update().where(t.c.case_id == case_id, t.c.decline_reason.is_not(None),
                         t.c.decline_reason != ERASED).values(decline_reason=ERASED)
    ).rowcount
    return int(reasons) + int(declines)
