"""The workbench's reports, filters and downloads, through the aiohttp test client on
a seeded audit log (and the pure parts on their own)."""

from __future__ import annotations

import csv
import io
import json
from html import unescape
from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient

from busbaan.audit import AuditEntry
from busbaan.service import Service
from busbaan.web.workbench.export import CSV_COLUMNS
from tests.web.conftest import (
    CASE,
    GGD,
    HUMANITAS,
    SCHULD,
    csrf_of,
    workbench_entries,
)

pytestmark = pytest.mark.synapse

BULK_USER = "@bulk:schuldhulp.busbaan.example"


# ----------------------------------------------------------------- pages and API


class _Audit(HTMLParser):
    """Collects inputs without a label, tables without header cells, and landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.inputs: list[str] = []
        self.tags: set[str] = set()
        self.th = 0
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(str(a.get("id")))
        self.th += tag == "th"
        self.tables += tag == "table"


def _accessible(html: str) -> None:
    p = _Audit()
    p.feed(html)
    assert {"main", "header", "nav", "footer"} <= p.tags
    assert all(i in p.labels for i in p.inputs), (p.inputs, p.labels)
    assert p.tables == 0 or p.th >= p.tables


async def test_every_page_has_labels_landmarks_and_table_headers(
        officer_client: TestClient) -> None:
    """Every page has landmarks, a label for every input and header cells in tables."""
    for path in ("/privacy/", f"/privacy/case?case={CASE}", "/privacy/professional",
                 "/privacy/consents", "/privacy/exceptions", "/privacy/register",
                 "/privacy/export"):
        response = await officer_client.get(path)
        assert response.status == 200, path
        _accessible(await response.text())


async def test_the_case_report_shows_access_grounds_timeline_and_details(
        officer_client: TestClient, wb_service: Service) -> None:
    """The art. 15 page shows who had access on which ground, the timeline, emergency
    access, the sealed details opened, and its viewing is logged with the case."""
    response = await officer_client.get(f"/privacy/case?case={CASE}")
    html = await response.text()
    assert response.status == 200
    assert SCHULD in html and "G-SCHULD1" in html and "wgs" in html
    assert "De regie is nu bij schuldhulp" in html  # the timeline, in B1 Dutch
    assert "NOODTOEGANG" in html and GGD in html
    assert "schulden lopen op, budgetbeheer nodig" in html  # opened for the officer
    viewed = workbench_entries(wb_service, "workbench.viewed")[-1]
    assert viewed.case_id == CASE and viewed.details["page"] == "case"
    api = await (await officer_client.get(f"/api/v1/privacy/reports/case?case={CASE}")).json()
    assert api["case_id"] == CASE and api["emergency_uses"] == 1
    assert {a["organisation"] for a in api["access"]} >= {"buurtteam", "schuldhulp", "ggd"}
    assert [i["kind"] for i in api["timeline"]][:2] == ["created", "grant_given"]


async def test_the_case_summary_lists_refused_attempts_apart(officer_client: TestClient) -> None:
    """Humanitas was only refused in this case: the summary does not count it among the
    organisations that processed data, and names it apart as refused (outside18 F5)."""
    html = unescape(await (await officer_client.get(f"/privacy/case?case={CASE}")).text())
    organisations = html.split("<dt>Organisaties</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert organisations.startswith("buurtteam, fg, ggd, schuldhulp<br>")  # fg: the officer
    assert "geweigerd, niet verwerkt: humanitas" in organisations
    api = await (await officer_client.get(f"/api/v1/privacy/reports/case?case={CASE}")).json()
    assert "humanitas" not in api["organisations"]
    assert api["refused_only"]["organisations"] == ["humanitas"]
    assert api["refused_only"]["professionals"] == [HUMANITAS]


async def test_an_unknown_case_is_a_clear_error(officer_client: TestClient) -> None:
    """A well-formed case number the log does not know gets 400 and says so."""
    response = await officer_client.get("/privacy/case?case=C-NIETBEST")
    assert response.status == 400
    assert "Casus C-NIETBEST komt niet voor in het auditlog" in await response.text()
    api = await officer_client.get("/api/v1/privacy/reports/case?case=C-NIETBEST")
    assert api.status == 400
    assert (await api.json())["errors"][0]["field"] == "case"


async def test_a_bad_date_and_an_unknown_organisation_are_clear_errors(
        officer_client: TestClient) -> None:
    """Malformed and unknown filter values give 400 with the field, value and a fix,
    on the page and in the API (in English when asked)."""
    page = await officer_client.get("/privacy/consents?since=2026-13-01&organisation=wpi")
    assert page.status == 400
    html = unescape(await page.text())
    assert "'2026-13-01' bij 'vanaf' is geen geldige datum" in html
    assert "Organisatie 'wpi' kennen we niet" in html
    assert 'aria-invalid="true"' in html
    api = await officer_client.get(
        "/api/v1/privacy/reports/exceptions?until=gisteren&organisation=wpi&lang=en")
    assert api.status == 400
    body = await api.json()
    assert body["errcode"] == "BB_FILTER"
    assert {e["field"] for e in body["errors"]} == {"until", "organisation"}
    assert any("is not a valid date" in e["message"] for e in body["errors"])


async def test_the_professional_report_comes_by_post_not_by_url(
        officer_client: TestClient, wb_service: Service) -> None:
    """The professional's ID goes in the form body; in a URL it is refused."""
    refused = await officer_client.get(f"/privacy/professional?professional={SCHULD}")
    assert refused.status == 400
    csrf = csrf_of(await (await officer_client.get("/privacy/professional")).text())
    response = await officer_client.post("/privacy/professional",
                                         data={"csrf": csrf, "professional": SCHULD})
    assert response.status == 200
    html = await response.text()
    assert "Zelf gedaan: 4." in html
    viewed = workbench_entries(wb_service, "workbench.viewed")[-1]
    assert viewed.subject_user == SCHULD and viewed.details["page"] == "professional"


async def test_consents_and_exceptions_reports(officer_client: TestClient) -> None:
    """Consents show their state today; exceptions list refusals and emergency access
    with refusals per organisation per week."""
    consents = await (await officer_client.get("/api/v1/privacy/reports/consents")).json()
    states = {g["grant_id"]: g["state"] for g in consents["grants"]}
    assert states == {"G-SCHULD1": "expiring", "G-GGD1": "withdrawn", "G-WMO1": "expired"}
    assert sum(d["count"] for d in consents["expiring_per_day"]) == 1
    only_ggd = await (await officer_client.get(
        "/api/v1/privacy/reports/consents?organisation=ggd")).json()
    assert [g["grant_id"] for g in only_ggd["grants"]] == ["G-GGD1"]
    exceptions = await (await officer_client.get("/api/v1/privacy/reports/exceptions")).json()
    assert exceptions["by_kind"]["refused"] >= 4 and exceptions["by_kind"]["breakglass"] == 1
    per_org = {o for week in exceptions["refusals_per_week"].values() for o in week}
    assert {"humanitas", "schuldhulp", "buurtteam"} <= per_org
    html = await (await officer_client.get("/privacy/exceptions")).text()
    assert 'id="chart-refusals"' in html


async def test_the_overview_shows_integrity_and_charts(officer_client: TestClient) -> None:
    """The overview says whether the log is intact, names the last checkpoint and
    draws the three charts."""
    html = await (await officer_client.get("/privacy/")).text()
    assert "Ja. Niemand heeft het log veranderd." in html
    assert "Laatste controlepunt" in html
    for chart in ("chart-refusals", "chart-expiring", "chart-handover"):
        assert f'id="{chart}"' in html
    overview = await (await officer_client.get("/api/v1/privacy/overview")).json()
    assert overview["handovers"]["accepted"] == 1
    assert overview["handovers"]["median_minutes"] == 240


async def test_the_register_comes_from_the_policies(officer_client: TestClient) -> None:
    """The art. 30 register lists each organisation and its legal bases."""
    register = await (await officer_client.get("/api/v1/privacy/register")).json()
    ids = {c["organisation"] for c in register["controllers"]}
    assert {"inkomen", "schuldhulp", "ggd"} <= ids
    html = await (await officer_client.get("/privacy/register")).text()
    assert "Verwerkingsregister (AVG art. 30)" in html


# ----------------------------------------------------------------- downloads


async def test_csv_export_is_streamed_and_logged(officer_client: TestClient,
                                                 wb_service: Service) -> None:
    """A CSV download of thousands of entries arrives chunked (never whole in memory),
    has the CLI's columns, and the download is in the audit log."""
    bulk = "C-WBBULK01"
    now = wb_service.clock.now()
    wb_service.audit.log().append_many([
        AuditEntry(event_code="membership.check", action="R", occurred_at=now,
                   outcome="allowed", source="casus-bot", user_id=BULK_USER, case_id=bulk,
                   organisation="schuldhulp")
        for _ in range(6000)])
    csrf = csrf_of(await (await officer_client.get("/privacy/export")).text())
    response = await officer_client.post("/privacy/export", data={
        "csrf": csrf, "case": bulk, "format": "csv"})
    assert response.status == 200
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.headers
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert bulk not in response.headers["Content-Disposition"]
    chunks = 0
    data = bytearray()
    async for chunk in response.content.iter_any():
        chunks += 1
        data += chunk
    assert chunks > 1
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r[10] for r in rows[1:]} == {bulk}
    # 6000 entries, then the record of this very download (written before streaming).
    assert len(rows) == 1 + 6000 + 1 and rows[-1][2] == "workbench.exported"
    exported = workbench_entries(wb_service, "workbench.exported")[-1]
    assert exported.case_id == bulk and exported.details["format"] == "csv"


async def test_jsonl_export_through_the_api(officer_client: TestClient) -> None:
    """The API's export gives JSON Lines rows as the CLI writes them."""
    response = await officer_client.get(f"/api/v1/privacy/export?format=jsonl&case={CASE}")
    assert response.status == 200
    lines = [json.loads(line) for line in (await response.text()).splitlines()]
    assert lines and all(row["case_id"] == CASE for row in lines)
    assert {"index", "leaf_hash", "event_code"} <= set(lines[0])


async def test_an_export_with_a_bad_filter_is_refused_before_streaming(
        officer_client: TestClient) -> None:
    """A bad filter on a download gives the form back with the error, no file."""
    csrf = csrf_of(await (await officer_client.get("/privacy/export")).text())
    response = await officer_client.post("/privacy/export", data={
        "csrf": csrf, "since": "1 maart", "format": "xlsx"})
    assert response.status == 400
    html = unescape(await response.text())
    assert "Onbekend formaat 'xlsx'" in html and "'1 maart' bij 'vanaf'" in html
