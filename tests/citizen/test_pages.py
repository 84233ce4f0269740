"""The citizen pages over HTTP: the way in, "Mijn hulpvraag", decisions, bad input,
and the audit records of each (no homeserver; see conftest)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from busbaan.audit.checkpoint import open_note
from busbaan.audit.keys import load_signer
from busbaan.citizen import DATA_SUBJECT, links
from busbaan.service import Service
from busbaan.store.repositories import CaseRepository
from busbaan.web.app import create_app
from busbaan.web.citizen import CITIZEN
from tests.citizen.conftest import (
    StoreActions,
    add_proposal,
    csrf_of,
    forms_of,
    log_in,
    seed_case,
)


def _entries(service: Service, case_id: str, code: str | None = None) -> list[object]:
    return [i.entry for i in service.audit.log().query(case_id=case_id)
            if code is None or i.entry.event_code == code]



@contextlib.asynccontextmanager
async def second_process(client: TestClient, service: Service) -> AsyncIterator[TestClient]:
    """Another app on the same store and session key (a restart, or a second process
    behind a load balancer), with the citizen's cookies of ``client``."""
    cookies = {c.key: c.value for c in client.session.cookie_jar}
    assert service.policy is not None
    app = create_app(service.policy, service)
    app[CITIZEN].actions = StoreActions(service)
    async with TestClient(TestServer(app)) as other:
        other.session.cookie_jar.update_cookies(cookies)
        yield other

async def test_link_and_code_open_the_page(client: TestClient, cit_service: Service) -> None:
    """The right code leads (303) to "Mijn hulpvraag": the regie's first name, the
    grants in sentences, and no case id or user id anywhere on the page."""
    case = seed_case(cit_service)
    response = await log_in(client, case)
    assert response.status == 303 and response.headers["Location"] == "/burger/"
    page = await client.get("/burger/")
    html = await page.text()
    assert page.status == 200
    assert "Anouk helpt u nu." in html
    assert "Zo bereikt u Anouk: 020 555 0101 (ma-vr 9-17)." in html
    assert "omdat de wet het regelt (Wgs)" in html
    assert "omdat u toestemming gaf" in html
    # no user id (the privacy officer's e-mail address is the only "@" on the page)
    assert case.case_id not in html and not re.search(r"@[\w.=/-]+:", html)
    assert "privacy officer van de gemeente: 020 555 0199, privacy@gemeente.example.nl." in html
    assert page.headers["Cache-Control"] == "no-store"
    assert case.case_id not in str(page.url)


async def test_every_view_and_login_is_recorded_as_the_data_subject(
        client: TestClient, cit_service: Service) -> None:
    """Login and each view are audit entries by the data subject, with the check
    'by_data_subject' set; nothing names a person."""
    case = seed_case(cit_service)
    await log_in(client, case)
    await client.get("/burger/")
    await client.get("/burger/?lang=en")
    views = _entries(cit_service, case.case_id, "citizen.viewed")
    assert len(views) == 2
    assert all(e.user_id == DATA_SUBJECT and e.action == "R"  # type: ignore[attr-defined]
               and e.checks["by_data_subject"] == "yes" for e in views)  # type: ignore[attr-defined]
    assert _entries(cit_service, case.case_id, "citizen.login")


async def test_a_link_works_once(client: TestClient, cit_service: Service) -> None:
    """After a login the same link says it was used, in plain words."""
    case = seed_case(cit_service)
    assert (await log_in(client, case)).status == 303
    again = await client.get(f"/burger/l/{case.token}")
    assert again.status == 410
    assert "Deze link is al gebruikt." in await again.text()


async def test_wrong_codes_then_lock_and_the_regie_is_told(
        client: TestClient, cit_service: Service) -> None:
    """Four wrong codes say how many tries are left; the fifth locks the link, tells
    the regie, and even the right code no longer works."""
    case = seed_case(cit_service)
    actions = client.app[CITIZEN].actions
    for left in (4, 3, 2, 1):
        r = await log_in(client, case, code="ZZZZZZ")
        assert r.status == 400
        assert f"U kunt het nog {left} keer proberen." in await r.text()
    form = await client.get(f"/burger/l/{case.token}")
    r = await client.post(f"/burger/l/{case.token}", allow_redirects=False,
                          data={"csrf": csrf_of(await form.text()), "code": "ZZZZZZ"})
    assert r.status == 410 and "te vaak fout" in await r.text()
    assert actions.told[-1][1] == "citizen.link_locked"  # type: ignore[attr-defined]
    right = await client.get(f"/burger/l/{case.token}")
    assert right.status == 410
    assert _entries(cit_service, case.case_id, "citizen.link_locked")


async def test_bad_links_each_get_their_own_page(client: TestClient,
                                                 cit_service: Service) -> None:
    """Malformed, unknown, expired and revoked links, and a closed case: a clear page
    each, in the citizen's language, nothing else."""
    r = await client.get("/burger/l/abc")
    assert r.status == 404 and "niet goed" in await r.text()
    r = await client.get(f"/burger/l/{links.new_token()}?lang=en")
    assert r.status == 404 and "We do not know this link." in await r.text()
    old = seed_case(cit_service, expires_in=dt.timedelta(seconds=-1))
    r = await client.get(f"/burger/l/{old.token}?lang=tr")
    assert r.status == 410 and "süresi doldu" in await r.text()
    revoked = seed_case(cit_service)
    client.app[CITIZEN].repo.revoke_all(revoked.case_id, by="@x:y", now=dt.datetime.now(dt.UTC))
    r = await client.get(f"/burger/l/{revoked.token}?lang=ar")
    html = await r.text()
    assert r.status == 410 and 'dir="rtl"' in html and "أوقف" in html
    closed = seed_case(cit_service)
    CaseRepository(cit_service.engine).close(closed.case_id, now=dt.datetime.now(dt.UTC),
                                             by="@x:y")
    r = await client.get(f"/burger/l/{closed.token}?lang=nl")
    assert r.status == 410 and "afgesloten" in await r.text()


async def test_the_page_needs_a_session(client: TestClient) -> None:
    """Without logging in the page says so (401), it does not show anything else."""
    r = await client.get("/burger/")
    assert r.status == 401 and "niet (meer) ingelogd" in await r.text()


async def test_revoking_the_links_ends_the_session(client: TestClient,
                                                   cit_service: Service) -> None:
    """After !burgerlink intrekken a logged-in citizen is sent out at the next view."""
    case = seed_case(cit_service)
    await log_in(client, case)
    client.app[CITIZEN].repo.revoke_all(case.case_id, by="@x:y", now=dt.datetime.now(dt.UTC))
    r = await client.get("/burger/")
    assert r.status == 401 and "stopgezet" in await r.text()
    assert (await client.get("/burger/")).status == 401


async def test_withdrawal_then_double_submit_and_back_button_change_nothing(
        client: TestClient, cit_service: Service) -> None:
    """Withdrawing a consent grant redirects to the page saying what changed and that the
    regie knows; the same form again (double click, back button) says it was done
    already and records nothing more."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(case.consent_grant))
    data = {"csrf": csrf_of(html), "form": form_id, "grant": case.consent_grant}
    r = await client.post("/burger/intrekken", data=data, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"].startswith("/burger/?klaar=")
    done = await (await client.get(r.headers["Location"])).text()
    assert "U heeft de toestemming voor Humanitas Thuisadministratie ingetrokken." in done
    assert "Anouk weet het nu." in done
    assert "Gestopt op" in done
    grants = {g.grant_id: g for g in CaseRepository(cit_service.engine).grants(case.case_id)}
    assert grants[case.consent_grant].withdrawn_at is not None
    told = client.app[CITIZEN].actions.told  # type: ignore[attr-defined]
    assert told[-1][1] == "citizen.withdrew"
    r2 = await client.post("/burger/intrekken", data=data, allow_redirects=False)
    again = await (await client.get(r2.headers["Location"])).text()
    assert "Dit had u al gedaan. Er is niets veranderd." in again
    assert len(told) == 1 + sum(1 for t in told[:-1] if t[0] != case.case_id)


async def test_a_law_based_or_vanished_grant_cannot_be_withdrawn(
        client: TestClient, cit_service: Service) -> None:
    """The law-based grant has no button and a forged withdrawal of it is refused with
    the reason; so is a grant that does not exist; the refusals are recorded."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    assert not any(f.endswith(case.law_grant) for f in forms_of(html))
    assert "Dan mag u bezwaar maken." in html
    csrf = csrf_of(html)
    r = await client.post("/burger/intrekken", data={"csrf": csrf, "form": "f1",
                                                    "grant": case.law_grant})
    assert r.status == 409 and "De wet regelt het." in await r.text()
    r = await client.post("/burger/intrekken", data={"csrf": csrf, "form": "f2",
                                                    "grant": "G-NOTHERE"})
    assert r.status == 409 and "bestaat niet meer" in await r.text()
    grants = CaseRepository(cit_service.engine).grants(case.case_id)
    assert all(g.withdrawn_at is None for g in grants)
    assert len(_entries(cit_service, case.case_id, "consent.withdraw_refused")) == 2


async def test_a_form_without_the_csrf_token_is_refused(client: TestClient,
                                                        cit_service: Service) -> None:
    """A POST without the session's token changes nothing (403)."""
    case = seed_case(cit_service)
    await log_in(client, case)
    r = await client.post("/burger/intrekken", data={"csrf": "forged", "form": "x",
                                                    "grant": case.consent_grant})
    assert r.status == 403
    assert all(g.withdrawn_at is None
               for g in CaseRepository(cit_service.engine).grants(case.case_id))


async def test_approving_a_proposal_gives_consent_and_a_signed_receipt(
        client: TestClient, cit_service: Service) -> None:
    """'Ja' turns the proposal into a grant given by the data subject, and the receipt
    downloads as a note signed with the service key; a second answer is refused."""
    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    assert "Mag Huisartsenpraktijk Bijlmerdreef uw gegevens over contact en gezondheid" in html
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    r = await client.post("/burger/beslis", allow_redirects=False, data={
        "csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id,
        "keuze": "ja"})
    assert r.status == 303
    done = await (await client.get(r.headers["Location"])).text()
    assert "U gaf Huisartsenpraktijk Bijlmerdreef toestemming." in done
    grants = CaseRepository(cit_service.engine).grants(case.case_id)
    given = [g for g in grants if g.organisation == "huisartsen"]
    assert given and given[0].given_by == DATA_SUBJECT
    receipt = await client.get(f"/burger/bewijs/{proposal.proposal_id}")
    assert receipt.status == 200
    assert "attachment" in receipt.headers["Content-Disposition"]
    note = await receipt.text()
    signer = load_signer(cit_service.config.state_dir / "audit-signing.key")
    body = open_note(note, signer.verifier)
    assert f'"grant_id":"{given[0].grant_id}"' in body and '"event":"given"' in body
    r = await client.post("/burger/beslis", data={
        "csrf": csrf_of(html), "form": "other", "voorstel": proposal.proposal_id,
        "keuze": "nee"})
    assert r.status == 409 and "al over beslist" in await r.text()
    assert _entries(cit_service, case.case_id, "consent.receipt_issued")


async def test_a_choice_other_than_yes_or_no_says_what_is_wrong(
        client: TestClient, cit_service: Service) -> None:
    """A hand-made ``keuze=misschien`` is refused (400) saying the choice was not
    understood, not that the form expired (outside18 F8); nothing changes and the same
    form still works afterwards."""
    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    fields = {"csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id}
    r = await client.post("/burger/beslis", data={**fields, "keuze": "misschien"})
    text = await r.text()
    assert r.status == 400
    assert "Wij begrijpen uw keuze niet. Kies ja of nee. Er is niets veranderd." in text
    assert "verlopen" not in text
    r = await client.post("/burger/beslis?lang=en", data={**fields, "keuze": ""})
    assert "We did not understand your choice." in await r.text()
    assert not _entries(cit_service, case.case_id, "consent.refused")
    r = await client.post("/burger/beslis", allow_redirects=False,
                          data={**fields, "keuze": "nee"})
    assert r.status == 303


async def test_refusing_a_proposal_records_the_refusal(client: TestClient,
                                                       cit_service: Service) -> None:
    """'Nee' gives nothing, records the refusal by the data subject, and offers the
    receipt."""
    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/?lang=en")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    r = await client.post("/burger/beslis", data={
        "csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id,
        "keuze": "nee"})
    assert "You said no." in await r.text()
    assert not [g for g in CaseRepository(cit_service.engine).grants(case.case_id)
                if g.organisation == "huisartsen"]
    refused = _entries(cit_service, case.case_id, "consent.refused")
    assert refused and refused[0].user_id == DATA_SUBJECT  # type: ignore[attr-defined]


async def test_logging_out_ends_the_session(client: TestClient, cit_service: Service) -> None:
    """After 'Uitloggen' the page needs a new link."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    r = await client.post("/burger/uitloggen", data={"csrf": csrf_of(html)})
    assert r.status == 200
    assert (await client.get("/burger/")).status == 401


async def test_every_language_renders_with_its_direction(client: TestClient,
                                                         cit_service: Service) -> None:
    """The switch gives Dutch, English, Turkish and Arabic (right to left), and keeps the
    choice in a cookie."""
    case = seed_case(cit_service)
    await log_in(client, case)
    for lang, heading, direction in (("nl", "Wie helpt u nu?", "ltr"),
                                     ("en", "Who is helping you now?", "ltr"),
                                     ("tr", "Size şu anda kim yardım ediyor?", "ltr"),
                                     ("ar", "من يساعدك الآن؟", "rtl")):
        html = await (await client.get(f"/burger/?lang={lang}")).text()
        assert f'<html lang="{lang}" dir="{direction}">' in html
        assert heading in html
    html = await (await client.get("/burger/")).text()
    assert '<html lang="ar" dir="rtl">' in html
    assert re.search(r'hreflang="nl"', html)


async def test_the_privacy_officer_sees_the_citizens_views_and_decisions(
        client: TestClient, cit_service: Service) -> None:
    """The art. 15 report counts the data subject's views and decisions apart from the
    professionals, and the consent history shows a refusal by the data subject."""
    from busbaan.audit.reports import citizen_report, consent_events, render_citizen

    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    await client.post("/burger/beslis", data={"csrf": csrf_of(html), "form": form_id,
                                              "voorstel": proposal.proposal_id,
                                              "keuze": "nee"})
    items = list(cit_service.audit.log().query(case_id=case.case_id))
    report = citizen_report(case.case_id, items)
    assert report.subject_views == 2 and report.subject_decisions == 1  # before and after
    assert DATA_SUBJECT not in report.professionals
    text = "\n".join(render_citizen(report))
    assert "Door de betrokkene zelf: 2 keer bekeken, 1 beslissingen over toestemming." in text
    assert "citizen.viewed  [R]  done  betrokkene (betrokkene)" in text
    refused = [e for e in consent_events(items) if e.event_code == "consent.refused"]
    assert refused and "geweigerd door de betrokkene" in refused[0].line()


async def test_after_revocation_a_decision_changes_nothing(client: TestClient,
                                                           cit_service: Service) -> None:
    """A form posted after the regie revoked the links is refused; the grant stays."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    client.app[CITIZEN].repo.revoke_all(case.case_id, by="@x:y", now=dt.datetime.now(dt.UTC))
    form_id = next(f for f in forms_of(html) if f.endswith(case.consent_grant))
    r = await client.post("/burger/intrekken", data={"csrf": csrf_of(html), "form": form_id,
                                                    "grant": case.consent_grant})
    assert r.status == 401 and "stopgezet" in await r.text()
    assert all(g.withdrawn_at is None
               for g in CaseRepository(cit_service.engine).grants(case.case_id))


async def test_a_restart_keeps_the_citizen_logged_in(client: TestClient,
                                                     cit_service: Service) -> None:
    """A new app on the same store and key (a restart, or a second process) knows the
    citizen's session and the forms already handled."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(case.consent_grant))
    r = await client.post("/burger/intrekken", data={"csrf": csrf_of(html), "form": form_id,
                                                     "grant": case.consent_grant})
    assert r.status == 200
    async with second_process(client, cit_service) as other:
        page = await other.get("/burger/")
        assert page.status == 200 and "Mijn hulpvraag" in await page.text()
        again = await other.post("/burger/intrekken", data={
            "csrf": csrf_of(html), "form": form_id, "grant": case.consent_grant})
        assert again.status == 200 and "Dit had u al gedaan" in await again.text()


async def test_a_case_lock_is_shared_while_held_and_then_forgotten(
        client: TestClient) -> None:
    """Two requests for one case get the same lock while one holds it; once nobody
    does, the app forgets it (no lock per case ever seen)."""
    import gc

    cw = client.app[CITIZEN]
    async with cw.lock("C-LOCK0001") as _:
        assert cw.lock("C-LOCK0001") is cw.lock("C-LOCK0001")
        assert cw.lock("C-LOCK0001").locked()
    gc.collect()
    assert "C-LOCK0001" not in cw.locks


async def test_a_double_yes_on_two_processes_gives_one_grant(client: TestClient,
                                                             cit_service: Service) -> None:
    """The same 'ja' reaching two processes at once (a double click behind a load
    balancer; each process has its own case lock) gives the organisation one grant,
    and both answers are a page that changes nothing further."""
    import asyncio

    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    data = {"csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id,
            "keuze": "ja"}
    async with second_process(client, cit_service) as other:
        answers = await asyncio.gather(
            client.post("/burger/beslis", data=data, allow_redirects=False),
            other.post("/burger/beslis", data=data, allow_redirects=False))
        statuses = sorted(r.status for r in answers)
    given = [g for g in CaseRepository(cit_service.engine).grants(case.case_id)
             if g.organisation == "huisartsen"]
    assert len(given) == 1, given
    assert statuses[0] == 303 and statuses[1] in (303, 409), statuses


async def test_a_double_no_on_two_processes_is_recorded_and_told_once(
        client: TestClient, cit_service: Service) -> None:
    """The same 'nee' reaching two processes at once is recorded once and the regie is
    told once; the other answer says it was decided already."""
    import asyncio

    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    data = {"csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id,
            "keuze": "nee"}
    async with second_process(client, cit_service) as other:
        answers = await asyncio.gather(
            client.post("/burger/beslis", data=data, allow_redirects=False),
            other.post("/burger/beslis", data=data, allow_redirects=False))
    assert sorted(r.status for r in answers) in ([303, 409], [303, 303])
    assert len(_entries(cit_service, case.case_id, "consent.refused")) == 1
    told = [t for a in (client.app[CITIZEN].actions, other.app[CITIZEN].actions)
            for t in a.told if t[0] == case.case_id]  # type: ignore[attr-defined]
    assert [t[1] for t in told] == ["citizen.decided"]


async def test_a_yes_that_loses_to_a_no_recorded_meanwhile_takes_its_grant_back(
        client: TestClient, cit_service: Service) -> None:
    """When another process records 'nee' while this 'ja' gives the grant, the recorded
    answer stands: the grant is withdrawn again and the citizen told it was decided."""
    from busbaan.store.citizen_repo import CitizenRepository

    class NoMeanwhile(StoreActions):
        async def approve(self, proposal: Any, now: dt.datetime) -> str:
            gid = await super().approve(proposal, now)
            CitizenRepository(cit_service.engine).decide(
                proposal.proposal_id, status="refused", now=now, grant_id=None,
                receipt="elsewhere")
            return gid

    client.app[CITIZEN].actions = NoMeanwhile(cit_service)
    case = seed_case(cit_service)
    proposal = add_proposal(cit_service, case.case_id)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(proposal.proposal_id))
    r = await client.post("/burger/beslis", data={
        "csrf": csrf_of(html), "form": form_id, "voorstel": proposal.proposal_id,
        "keuze": "ja"})
    assert r.status == 409 and "al over beslist" in await r.text()
    given = [g for g in CaseRepository(cit_service.engine).grants(case.case_id)
             if g.organisation == "huisartsen"]
    assert len(given) == 1 and given[0].withdrawn_at is not None
    stored = CitizenRepository(cit_service.engine).proposal(proposal.proposal_id)
    assert stored is not None and stored.status == "refused"


async def test_a_double_withdrawal_on_two_processes_is_handled_once(
        client: TestClient, cit_service: Service) -> None:
    """The same withdrawal form reaching two processes at once is handled once (one
    record, one notice to the regie): the form is claimed in the store first, and the
    other answer says it was done already."""
    import asyncio

    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(case.consent_grant))
    data = {"csrf": csrf_of(html), "form": form_id, "grant": case.consent_grant}
    async with second_process(client, cit_service) as other:
        answers = await asyncio.gather(
            client.post("/burger/intrekken", data=data),
            other.post("/burger/intrekken", data=data))
        texts = [await r.text() for r in answers]
    assert [r.status for r in answers] == [200, 200]
    assert sum("Dit had u al gedaan" in t for t in texts) == 1
    told = [t for a in (client.app[CITIZEN].actions, other.app[CITIZEN].actions)
            for t in a.told if t[0] == case.case_id]  # type: ignore[attr-defined]
    assert [t[1] for t in told] == ["citizen.withdrew"]
    assert len(_entries(cit_service, case.case_id, "consent.withdrawn")) == 1


async def test_a_refused_form_can_be_sent_again(client: TestClient,
                                                cit_service: Service) -> None:
    """A form that changed nothing (here: no actions available, 'busy') is not taken:
    sent again once things work, it is handled."""
    case = seed_case(cit_service)
    await log_in(client, case)
    html = await (await client.get("/burger/")).text()
    form_id = next(f for f in forms_of(html) if f.endswith(case.consent_grant))
    data = {"csrf": csrf_of(html), "form": form_id, "grant": case.consent_grant}
    cw = client.app[CITIZEN]
    actions, cw.actions = cw.actions, None
    r = await client.post("/burger/intrekken", data=data)
    assert r.status == 503
    cw.actions = actions
    r = await client.post("/burger/intrekken", data=data)
    assert r.status == 200 and "ingetrokken" in await r.text()
    assert "al gedaan" not in await r.text()
