"""The art. 15 report's summary as a privacy officer reads it to a citizen (outside18):
after a regie tried and was refused a grant for the GP practice on health data, the
summary of case C-GNQW4CS8 read "Organisaties: buurtteam, fg, inkomen, schuldhulp" and
"Gegevenscategorieën: contact, gezondheid, schulden" — as if health data had been
processed and the income department had taken part, while both were only refused."""

from __future__ import annotations

from collections.abc import Callable

from busbaan.audit import AuditEntry, LoggedEntry
from busbaan.audit.reports import citizen_report, render_citizen

MakeEntry = Callable[..., AuditEntry]


def _items(make_entry: MakeEntry) -> list[LoggedEntry]:
    """A case with a grant, a join and a refused health grant."""
    return [
        LoggedEntry(0, make_entry(0, case_id="c", event_code="consent.granted"), bytes(32)),
        LoggedEntry(1, make_entry(1, case_id="c", event_code="membership.join",
                                  organisation="schuldhulp"), bytes(32)),
        LoggedEntry(2, make_entry(2, case_id="c", event_code="consent.grant_refused",
                                  outcome="refused", data_categories=("gezondheid",),
                                  organisation="huisartsen"), bytes(32)),
    ]


def _summary(make_entry: MakeEntry) -> list[str]:
    """The summary lines of :func:`_items`' case that name organisations and categories."""
    lines = list(render_citizen(citizen_report("c", _items(make_entry)), "nl"))
    return [line for line in lines if line.startswith(("Organisaties:", "Gegevenscategor"))]


def test_the_summary_names_what_was_processed(make_entry: MakeEntry) -> None:
    """The categories and organisations that took part are in the summary."""
    text = "\n".join(_summary(make_entry))
    assert "schulden" in text and "schuldhulp" in text


def test_a_refused_attempt_is_not_summarised_as_processing(make_entry: MakeEntry) -> None:
    """A category and an organisation named only by a refused attempt are not in the
    summary's plain lines (fixed by citizen19: they have a line of their own)."""
    text = "\n".join(_summary(make_entry))
    assert "gezondheid" not in text and "huisartsen" not in text


def test_a_refused_attempt_is_listed_apart_as_refused(make_entry: MakeEntry) -> None:
    """What only a refused attempt names is still told, on its own line under the
    processed ones and labelled as refused, in Dutch and English and in the JSON."""
    report = citizen_report("c", _items(make_entry))
    nl = list(render_citizen(report, "nl"))
    assert nl[nl.index("Organisaties: buurtteam, schuldhulp") + 1] == (
        "  geweigerd, niet verwerkt: huisartsen")
    assert nl[nl.index("Gegevenscategorieën: contact, schulden") + 1] == (
        "  geweigerd, niet verwerkt: gezondheid")
    en = list(render_citizen(report, "en"))
    assert en[en.index("Data categories: contact, schulden") + 1] == (
        "  refused, not processed: gezondheid")
    assert report.as_json()["refused_only"] == {
        "organisations": ["huisartsen"],
        "professionals": ["@prof2:buurtteam.busbaan.example"],  # who was refused
        "data_categories": ["gezondheid"], "legal_bases": []}


def test_what_was_also_processed_is_not_called_refused(make_entry: MakeEntry) -> None:
    """A category refused once but processed on another entry is processed: it is not
    in the refused line (that line says nothing was processed)."""
    items = [*_items(make_entry), LoggedEntry(3, make_entry(
        3, case_id="c", event_code="membership.join", organisation="huisartsen",
        data_categories=("gezondheid",)), bytes(32))]
    report = citizen_report("c", items)
    assert "gezondheid" in report.data_categories and "huisartsen" in report.organisations
    assert report.refused_data_categories == report.refused_organisations == ()
