"""Reports read typed events one way: the CLI and the workbench agree on the same log
(issue 9, part 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from busbaan.audit.entry import AuditEntry
from busbaan.audit.reading import grant_recipient, is_professional, local_time
from busbaan.audit.reports import consent_events
from busbaan.audit.storage import AuditLog
from busbaan.cases import AuditMirror, CaseService
from busbaan.clock import FakeClock
from busbaan.consent import Grant, Professional
from busbaan.events import EVENT_TYPES
from busbaan.policy import load_policy
from busbaan.store import make_engine
from busbaan.store.repositories import DirectoryRepository, new_id
from busbaan.web.workbench.analysis import access_summary, consent_states
from busbaan.web.workbench.i18n import event_label

POLICY = load_policy(Path(__file__).resolve().parents[2] / "policies")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
BOT = "@casus:localhost"
REGIE = "@regie:localhost"
SH = "@sh:localhost"


def _logged(db_url: str) -> tuple[str, AuditLog]:
    engine = make_engine(db_url)
    DirectoryRepository(engine).upsert(
        [Professional(REGIE, "buurtteam", "buurtteammedewerker"),
         Professional(SH, "schuldhulp", "schuldhulpverlener")], source="test", now=NOW)
    service = CaseService(engine, policy=POLICY, clock=FakeClock(NOW))
    row = service.open_case(regie=REGIE, organisation="buurtteam", label="")
    service.attach_room(row.case_id, "!room:localhost")
    g = Grant(grant_id=new_id("G"), organisation="schuldhulp", categories=("schulden",),
              legal_bases=("wgs",), valid_from=NOW, valid_until=NOW + dt.timedelta(days=30),
              given_by=REGIE)
    service.give_grants(row.case_id, [g], by=REGIE)
    service.withdraw(row.case_id, [g.grant_id], by=REGIE, channel="matrix")
    log = AuditLog(engine)
    AuditMirror(engine, log, bot_user_id=BOT).drain()
    # The bot's own step and the officer's view are in the log too.
    log.append_many([
        AuditEntry(event_code="membership.removed", action="D", occurred_at=NOW,
                   outcome="done", source="casus-bot", user_id=BOT, case_id=row.case_id,
                   subject_user=SH),
        AuditEntry(event_code="workbench.viewed", action="R", occurred_at=NOW,
                   outcome="done", source="workbench", user_id="@femke:localhost",
                   user_role="privacy_officer", organisation="gemeente",
                   case_id=row.case_id)])
    return row.case_id, log


def test_cli_and_workbench_name_the_same_recipient(db_url: str) -> None:
    """The consent report and the workbench's consent list both name the organisation
    that received the grant (schuldhulp), not the regie's organisation."""
    case_id, log = _logged(db_url)
    items = list(log.query(case_id=case_id))
    cli = {(c.grant_id, c.organisation) for c in consent_events(items)}
    workbench = {(s.grant_id, s.organisation) for s in consent_states(items, NOW.date())}
    assert {org for _, org in cli} == {"schuldhulp"}
    assert workbench <= cli and len(workbench) == 1


def test_old_entries_are_read_the_same_way() -> None:
    """An entry from before the case service (recipient in details.organisation) reads
    the same: the recipient, not the actor's organisation."""
    old = AuditEntry(event_code="consent.granted", action="C", occurred_at=NOW, outcome="done",
                     source="casus-bot", user_id=REGIE, organisation="buurtteam",
                     case_id="C-7KQ2MX4A", grant_id="G-AAAAAAAA",
                     details={"organisation": "schuldhulp"})
    assert grant_recipient(old) == "schuldhulp"


def test_professionals_are_people_once_without_bot_or_officer(db_url: str) -> None:
    """The case's professionals: the regie once — not the bot, not the officer."""
    case_id, log = _logged(db_url)
    people = access_summary(log.query(case_id=case_id))
    assert [(a.user_id, a.organisation) for a in people] == [(REGIE, "buurtteam")]
    gate = AuditEntry(event_code="membership.join", action="C", occurred_at=NOW,
                      outcome="allowed", source="gate", user_id=BOT, case_id=case_id,
                      reason_code="ok.bot")
    assert not is_professional(gate)


def test_every_event_code_has_a_sentence_in_both_languages() -> None:
    """The officer never sees a raw event code for what the case service writes."""
    for code in EVENT_TYPES:
        assert event_label(code, "nl") != code and event_label(code, "en") != code


def test_times_carry_their_zone() -> None:
    """Times shown to the officer are Amsterdam time with the zone's name."""
    assert local_time(NOW) == "2026-03-02 11:00 CET"
    assert local_time(NOW.replace(month=7)) == "2026-07-02 12:00 CEST"
