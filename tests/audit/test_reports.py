"""The reports, built from entries (pure) and, for the register, from policy YAML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from busbaan.audit import AuditEntry, LoggedEntry
from busbaan.audit.reports import (
    ExceptionSummary,
    citizen_report,
    consent_events,
    processing_register,
    professional_report,
    render_citizen,
    render_exceptions,
    render_register,
)
from busbaan.errors import UsageError

MakeEntry = Callable[..., AuditEntry]


def logged(entry: AuditEntry, index: int, status: str = "none",
           personal: dict[str, str] | None = None) -> LoggedEntry:
    return LoggedEntry(index, entry, bytes(32), status, personal)


def test_citizen_report_answers_nen7513s_questions(make_entry: MakeEntry) -> None:
    """Per case: which organisations and professionals, which data, which ground, how
    often emergency access was used and how often something was refused; a ground named
    only by a refused attempt is listed apart, as refused (nothing was processed on it)."""
    items = [
        logged(make_entry(0, case_id="c"), 0, "open", {"naam": "Jan"}),
        logged(make_entry(1, case_id="c", organisation="wmo", responsible_user="@lead:x",
                          checks={"emergency": "yes"}), 1),
        logged(make_entry(2, case_id="c", outcome="refused", legal_bases=("wmo2015",)), 2),
        logged(make_entry(3, case_id="other"), 3),
    ]
    report = citizen_report("c", items)
    assert [i.index for i in report.items] == [0, 1, 2]
    assert report.organisations == ("buurtteam", "wmo")
    assert "@lead:x" in report.professionals
    assert report.legal_bases == ("wgs",)
    assert report.refused_legal_bases == ("wmo2015",)
    assert (report.emergency_uses, report.refusals, report.erased) == (1, 1, False)
    text = "\n".join(render_citizen(report, "en"))
    assert "Legal bases: wgs\n  refused, not processed: wmo2015\n" in text
    assert "details: naam: Jan" in text and "EMERGENCY ACCESS" in text
    assert "on behalf of @lead:x" in text


def test_professional_report_counts_roles(make_entry: MakeEntry) -> None:
    """A professional's report separates acting, acting on behalf, and being acted upon."""
    me = "@me:x"
    items = [logged(make_entry(0, user_id=me), 0),
             logged(make_entry(1, responsible_user=me), 1),
             logged(make_entry(2, subject_user=me, event_code="membership.invite"), 2),
             logged(make_entry(3), 3)]
    report = professional_report(me, items)
    assert (report.as_actor, report.on_behalf, report.as_subject) == (1, 1, 1)
    assert len(report.items) == 3


def test_consent_and_exception_streams(make_entry: MakeEntry) -> None:
    """Consent events and exceptions are picked out in one pass, with counts per kind."""
    items = [logged(make_entry(0, event_code="consent.granted", grant_id="g1"), 0),
             logged(make_entry(1, event_code="consent.withdrawn", grant_id="g1"), 1),
             logged(make_entry(2, event_code="gate.refused", outcome="refused"), 2),
             logged(make_entry(3, event_code="breakglass.started"), 3),
             logged(make_entry(4), 4)]
    assert [e.event_code for e in consent_events(items)] == ["consent.granted",
                                                             "consent.withdrawn"]
    summary = ExceptionSummary()
    lines = list(render_exceptions(items, summary))
    assert summary.total == 2
    assert dict(summary.by_kind) == {"refused": 1, "breakglass": 1}
    assert any("NOODTOEGANG" in line for line in lines)


def test_register_reads_what_is_there_and_names_what_is_missing(tmp_path: Path) -> None:
    """With only some policy files present the register is still built, and the missing
    files are named."""
    (tmp_path / "organisations.yaml").write_text(
        "organisations:\n  - {id: wmo, name: Wmo-loket, public_task: true}\n")
    (tmp_path / "lawful.yaml").write_text(
        "rules:\n  - {id: r, legal_basis: wmo2015, organisations: ['*'], "
        "categories: [wonen]}\n")
    register = processing_register(tmp_path)
    assert register.missing == ("categories.yaml", "legal_bases.yaml", "limits.yaml")
    [wmo] = register.controllers
    assert [a.legal_basis for a in wmo.activities] == ["wmo2015"]
    text = "\n".join(render_register(register))
    assert "ontbrekende beleidsbestanden" in text and "| wmo2015 |" in text


def test_register_refuses_a_policy_without_ids(tmp_path: Path) -> None:
    """An organisation without an id is refused with the file named."""
    (tmp_path / "organisations.yaml").write_text("organisations:\n  - {name: x}\n")
    with pytest.raises(UsageError, match=r"organisations\.yaml"):
        processing_register(tmp_path)
