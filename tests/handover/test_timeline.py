"""Track and trace: the case timeline built from the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.audit import AuditEntry, AuditLog
from busbaan.store import make_engine, migrate
from busbaan.timeline import KINDS, case_timeline, item_for

T0 = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


def entry(code: str, minutes: int, *, outcome: str = "done", org: str | None = "buurtteam",
          case: str = "C-T1", **details: str) -> AuditEntry:
    return AuditEntry(event_code=code, action="E", occurred_at=T0 + dt.timedelta(minutes=minutes),
                      outcome=outcome, source="casus-bot", user_id="@a:x", organisation=org,
                      case_id=case, details=details,
                      data_categories=("contact",) if code.startswith("consent") else ())


@pytest.fixture
def log(tmp_path) -> AuditLog:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    migrate(url)
    return AuditLog(make_engine(url))


def test_timeline_tells_the_story_in_order_with_labels_in_both_languages(log) -> None:
    """A case's steps come back oldest first, each with a kind, a Dutch and an English label
    and the acting organisation; other cases and non-steps are left out."""
    log.append_many([
        entry("case.created", 0),
        entry("consent.granted", 1, organisation="schuldhulp", valid_until="2025-12-01"),
        entry("membership.invite", 2, outcome="allowed"),  # not a timeline step
        entry("case.created", 3, case="C-OTHER"),
        entry("handover.proposed", 4, from_organisation="buurtteam",
              to_organisation="schuldhulp", handover_id="H-1"),
        entry("handover.reminded", 5, org=None, handover_id="H-1"),
        entry("handover.accepted", 6, org="schuldhulp", handover_id="H-1"),
        entry("regie.changed", 6, org="schuldhulp", from_organisation="buurtteam",
              to_organisation="schuldhulp", sideline_until="2025-06-16T09:06Z"),
        entry("breakglass.started", 7, org="ggd", organisation="ggd",
              until="2025-06-03T09:07Z"),
        entry("breakglass.ended", 8, org=None),
        entry("membership.removed", 9, org=None, subject_organisation="ggd"),
        entry("handover.sideline_ended", 10, org=None),
        entry("consent.withdrawn", 11, org="schuldhulp", organisation="schuldhulp",
              channel="case_close"),
        entry("case.closed", 12, org="schuldhulp"),
    ])
    items = case_timeline(log, "C-T1")
    assert [i.kind for i in items] == [
        "created", "grant_given", "handover_proposed", "handover_reminded",
        "handover_accepted", "regie_changed", "breakglass_started", "breakglass_ended",
        "removed", "sideline_ended", "grant_withdrawn", "closed"]
    assert items == sorted(items, key=lambda i: i.index)
    regie = items[5]
    assert "schuldhulp" in regie.nl and "buurtteam" in regie.nl and "2025-06-16" in regie.nl
    assert regie.en.startswith("schuldhulp now leads")
    assert items[6].review and "ggd" in items[6].nl
    assert "ggd" in items[8].nl
    assert "sluiten" in items[10].nl
    assert items[0].organisation == "buurtteam" and items[3].organisation is None
    assert all(i.nl and i.en for i in items)


def test_refusals_are_not_steps() -> None:
    """A refused attempt is not part of the citizen's timeline."""
    assert item_for(0, entry("breakglass.started", 0, outcome="refused")) is None


def test_labels_never_carry_user_ids(log) -> None:
    """Timeline labels name organisations, never the professionals' Matrix ids."""
    log.append_many([entry(code, i, handover_id="H-1") for i, code in enumerate(KINDS)])
    for item in case_timeline(log, "C-T1"):
        assert "@" not in item.nl and "@" not in item.en
        assert item.to_json()["kind"] == item.kind


def test_the_timeline_speaks_about_the_citizen_not_to_them() -> None:
    """The timeline is read by professionals (``!status``) and the privacy officer; the
    citizen's page has its own sentences. "Uw hulpvraag is geopend" in a professional's
    ``!status`` read as if the professional had asked for help (outside check, s4)."""
    for code in KINDS:
        item = item_for(0, entry(code, 0, organisation="schuldhulp", valid_until="2025-12-01",
                                 from_organisation="buurtteam", to_organisation="schuldhulp",
                                 sideline_until="2025-06-16T09:06Z", until="2025-06-03T09:07Z",
                                 subject_organisation="ggd"))
        if item is None:
            continue
        assert not item.nl.startswith(("Uw ", "U ")) and " uw " not in item.nl, item.nl
        assert not item.en.startswith(("Your ", "You ")) and " your " not in item.en, item.en
