"""The service's metrics: counts from audit entries and commands, labels from closed
sets only (issue 12)."""

from __future__ import annotations

import datetime as dt

from busbaan.audit.entry import AuditEntry
from busbaan.metrics import Metrics, label_decision, label_errcode, samples

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
BSN = "111222333"
NAME = "Jan de Vries"


def _metrics() -> Metrics:
    m = Metrics(organisations=["buurtteam", "schuldhulp"])
    m.known_commands("casus", ["help", "uitnodigen"])
    return m


def _values(m: Metrics, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {tuple(sorted(labels.items())): value
            for n, labels, value in samples(m.render().decode()) if n == name}


def test_command_outcomes_are_counted_by_canonical_name_and_errcode() -> None:
    """An ok, a refused and a failed command each count under their outcome."""
    m = _metrics()
    m.command_answered("casus", "help", ok=True, errcode=None, handling_seconds=0.01,
                       latency_seconds=0.12)
    m.command_answered("casus", "uitnodigen", ok=False, errcode="BB_NOT_REGIE",
                       handling_seconds=0.02, latency_seconds=0.2)
    m.command_answered("casus", "uitnodigen", ok=False, errcode="BB_INTERNAL",
                       handling_seconds=0.02, latency_seconds=None)
    counts = _values(m, "busbaan_commands_total")
    assert counts[(("bot", "casus"), ("command", "help"), ("errcode", ""),
                   ("outcome", "ok"))] == 1
    assert counts[(("bot", "casus"), ("command", "uitnodigen"), ("errcode", "BB_NOT_REGIE"),
                   ("outcome", "refused"))] == 1
    assert counts[(("bot", "casus"), ("command", "uitnodigen"), ("errcode", "BB_INTERNAL"),
                   ("outcome", "failed"))] == 1
    latency = _values(m, "busbaan_reply_latency_seconds_count")
    assert latency[(("bot", "casus"), ("command", "uitnodigen"))] == 1


def test_command_stages_are_observed_by_bot_and_known_stage_only() -> None:
    """A command's stage times land under their stage; an unknown stage name is not a
    label (closed set), and a negative time (clocks) counts as zero."""
    m = _metrics()
    m.command_stages("casus", {"sync": 0.2, "queue": 0.01, "handler": -0.001,
                               "@jan:x": 1.0})
    m.command_stages("someone", {"send": 0.1})
    counts = _values(m, "busbaan_command_stage_seconds_count")
    assert counts == {(("bot", "casus"), ("stage", "sync")): 1.0,
                      (("bot", "casus"), ("stage", "queue")): 1.0,
                      (("bot", "casus"), ("stage", "handler")): 1.0,
                      (("bot", "other"), ("stage", "send")): 1.0}
    sums = _values(m, "busbaan_command_stage_seconds_sum")
    assert sums[(("bot", "casus"), ("stage", "handler"))] == 0.0
    assert sums[(("bot", "casus"), ("stage", "sync"))] == 0.2


def test_refusals_removals_and_appends_are_read_from_audit_entries() -> None:
    """A refused decision counts as a refusal, a removal by code and organisation."""
    m = _metrics()
    m.audit_appended([
        AuditEntry(event_code="membership.invite_refused", action="C", occurred_at=NOW,
                   outcome="refused", source="casus-bot", user_id="@a:x", case_id="C-ABCDEFGH",
                   reason_code="refused.organisation_not_in_scope"),
        AuditEntry(event_code="membership.removed", action="D", occurred_at=NOW,
                   outcome="done", source="casus-bot", user_id="@casus:x",
                   case_id="C-ABCDEFGH", subject_user="@b:x", reason_code="refused.grant_withdrawn",
                   details={"subject_organisation": "schuldhulp", "room_id": "!r:x"}),
    ])
    assert _values(m, "busbaan_refusals_total") == {
        (("code", "refused.organisation_not_in_scope"), ("source", "casus-bot")): 1.0}
    assert _values(m, "busbaan_removals_total") == {
        (("code", "refused.grant_withdrawn"), ("organisation", "schuldhulp")): 1.0}
    appends = _values(m, "busbaan_audit_appends_total")
    assert sum(appends.values()) == 2


def test_values_outside_the_closed_sets_become_other() -> None:
    """A BSN, a name, a user id or an unknown command never reaches a label."""
    m = _metrics()
    m.command_answered("casus", f"casus nieuw {NAME}", ok=True, errcode=f"BB_{BSN}x",
                       handling_seconds=0.0, latency_seconds=0.0)
    m.command_answered(f"@{NAME}:x", "help", ok=False, errcode=NAME,
                       handling_seconds=0.0, latency_seconds=0.0)
    m.audit_appended([AuditEntry(
        event_code="membership.removed", action="D", occurred_at=NOW, outcome="refused",
        source="importer", user_id="@casus:x", case_id="C-ABCDEFGH", subject_user="@b:x",
        reason_code="refused.Jan de Vries", details={"subject_organisation": NAME})])
    text = m.render().decode()
    assert BSN not in text and NAME not in text and "@" not in text
    assert label_errcode("BB_NOT_REGIE") == "BB_NOT_REGIE"
    assert label_errcode("bb_not regie") == "other"
    assert label_decision("refused.grant_expired") == "refused.grant_expired"
    assert label_decision("refused.Jan") == "other"


def test_bare_refusal_codes_and_direct_questions_have_their_own_labels() -> None:
    """The wegwijzer's refused question (reason ``personal_data``) counts as
    ``refused.personal_data``, not ``other`` (outside check s5); a question asked in a
    direct chat counts as ``command="question"`` with its outcome and latency."""
    m = _metrics()
    m.audit_appended([AuditEntry(
        event_code="route.personal_data_refused", action="E", occurred_at=NOW,
        outcome="refused", source="wegwijzer-bot", user_id="@a:x",
        reason_code="personal_data", details={"kinds": "name"})])
    assert _values(m, "busbaan_refusals_total") == {
        (("code", "refused.personal_data"), ("source", "wegwijzer-bot")): 1.0}
    assert label_decision("not_privacy_officer") == "refused.not_privacy_officer"
    m.question_answered("casus", ok=True, errcode=None, latency_seconds=0.2)
    m.question_answered("casus", ok=False, errcode="BB_PERSONAL_DATA", latency_seconds=None)
    counts = _values(m, "busbaan_commands_total")
    assert counts[(("bot", "casus"), ("command", "question"), ("errcode", ""),
                   ("outcome", "ok"))] == 1
    assert counts[(("bot", "casus"), ("command", "question"), ("errcode", "BB_PERSONAL_DATA"),
                   ("outcome", "refused"))] == 1
    assert _values(m, "busbaan_reply_latency_seconds_count")[
        (("bot", "casus"), ("command", "question"))] == 1


def test_live_figures_are_read_at_scrape_time_and_a_failing_one_is_left_out() -> None:
    """A live gauge shows its current value; one that raises does not break the scrape."""
    m = _metrics()
    rooms = {"n": 3}
    m.live("busbaan_bot_rooms", "rooms", ("bot",), lambda: {("casus",): rooms["n"]})
    m.live("busbaan_broken", "broken", (), lambda: 1 / 0)  # type: ignore[arg-type,return-value]
    m.outbox_lag(lambda: None)
    rooms["n"] = 7
    assert _values(m, "busbaan_bot_rooms") == {(("bot", "casus"),): 7.0}
    assert _values(m, "busbaan_outbox_lag_seconds") == {(): 0.0}
    assert _values(m, "busbaan_broken") == {}
