"""What the page says and which rules it follows (pure: facts in, sentences out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from busbaan.audit.checkpoint import NoteError, Signer, open_note
from busbaan.audit.entry import AuditEntry
from busbaan.citizen import DATA_SUBJECT
from busbaan.citizen.i18n import catalogue
from busbaan.citizen.model import CaseFacts, EarlierLead, Proposal
from busbaan.citizen.receipt import receipt_body, sign_receipt
from busbaan.citizen.rules import GrantHistory, regrant_blocked, rests_on_consent
from busbaan.citizen.view import build_page, privacy_line
from busbaan.consent.model import Grant, Professional
from busbaan.policy import Policy, load_policy

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies")


def _grant(gid: str, org: str, cats: tuple[str, ...], bases: tuple[str, ...],
           days_ago: int = 5, **kw: object) -> Grant:
    fields: dict[str, object] = {"given_by": "@a:buurtteam", **kw}
    return Grant(grant_id=gid, organisation=org, categories=cats, legal_bases=bases,
                 valid_from=NOW - dt.timedelta(days=days_ago),
                 valid_until=dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=dt.UTC),
                 **fields)  # type: ignore[arg-type]


def _facts(**kw: object) -> CaseFacts:
    base: dict[str, object] = {
        "case_id": "C-TEST1234", "closed": False, "home_organisation": "buurtteam",
        "regie": Professional(user_id="@anouk:x", organisation="buurtteam",
                              role="buurtteammedewerker", display_name="Anouk de Vries"),
        "regie_since": dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
    }
    base.update(kw)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_consent_and_law_are_told_apart(policy: Policy) -> None:
    """Consent alone (with or without an art. 9 exception) is withdrawable; a law is not."""
    assert rests_on_consent(policy, ["toestemming"])
    assert rests_on_consent(policy, ["toestemming", "uitdrukkelijke-toestemming"])
    assert not rests_on_consent(policy, ["wgs"])
    assert not rests_on_consent(policy, ["uitdrukkelijke-toestemming"])  # no art. 6 basis
    assert not rests_on_consent(policy, ["toestemming", "wgs"])
    assert not rests_on_consent(policy, ["no-such-basis"])


def test_the_page_names_the_regie_and_says_each_grant_in_a_sentence(policy: Policy) -> None:
    """Who helps (first name, role, organisation, since when, how to reach), and each
    grant with its reason and end date; only the consent-based one can be withdrawn."""
    facts = _facts(contact="06 12345678 (ma-vr)", grants=(
        GrantHistory(_grant("G-WGS", "schuldhulp", ("schulden", "inkomen"), ("wgs",))),
        GrantHistory(_grant("G-HUM", "humanitas", ("contact",), ("toestemming",))),
    ), earlier=(EarlierLead("inkomen", dt.datetime(2026, 11, 2, tzinfo=dt.UTC)),))
    page = build_page(policy, facts, catalogue("nl"), NOW)
    assert page.who[0] == ("Anouk helpt u nu. Anouk werkt als buurtteammedewerker bij "
                           "Buurtteam Amsterdam.")
    assert page.who[1] == "Sinds 2 november 2026 is Anouk uw vaste contact."
    assert page.who[2] == "Zo bereikt u Anouk: 06 12345678 (ma-vr)."
    assert "Gemeente – Werk, Participatie en Inkomen" in page.earlier[0]
    law, consent = page.grants
    assert law.text == ("Gemeente – Schuldhulpverlening en Budgetbeheer mag uw gegevens over "
                        "schulden en inkomen gebruiken. Dat mag omdat de wet het regelt (Wgs). "
                        "Dit geldt tot 31 maart 2027.")
    assert not law.withdrawable and "bezwaar" in law.note and "privacy officer" in law.note
    assert consent.withdrawable and "omdat u toestemming gaf" in consent.text
    assert "intrekken" in consent.button


def test_the_regie_is_reached_by_their_own_contact_else_their_organisations(
        policy: Policy) -> None:
    """Without ``bereikbaar=`` the page gives the organisation's contact from the
    policy; without that either, it says there is none and where to look (outside18
    F7: "Bel of mail Buurtteam Amsterdam en vraag naar Anouk" gave no number)."""
    page = build_page(policy, _facts(), catalogue("nl"), NOW)
    assert page.who[2] == ("Bel of mail Buurtteam Amsterdam en vraag naar Anouk. Zo bereikt u "
                           "Buurtteam Amsterdam: 020 555 0100, info@buurtteam.example.nl.")
    assert policy.organisation("inkomen").contact is None  # the shipped policy has none
    elsewhere = _facts(home_organisation="inkomen")
    assert build_page(policy, elsewhere, catalogue("nl"), NOW).who[2] == (
        "Wij hebben geen telefoonnummer of e-mailadres van Anouk. Zoek het nummer van "
        "Gemeente – Werk, Participatie en Inkomen op en vraag naar Anouk.")
    assert build_page(policy, elsewhere, catalogue("en"), NOW).who[2] == (
        "We have no phone number or email address for Anouk. Look up the number of "
        "Gemeente – Werk, Participatie en Inkomen and ask for Anouk.")


def test_the_footer_names_the_privacy_officers_contact(policy: Policy) -> None:
    """With a contact on the privacy officer role the footer gives it; without one it
    says whom to ask for; a contact in Arabic text stays left to right (an isolate), so
    "020 555 0199" is not shown as "0199 555 020"."""
    assert privacy_line(policy, catalogue("nl")) == (
        "Vragen over uw gegevens? Neem contact op met de privacy officer van de gemeente: "
        "020 555 0199, privacy@gemeente.example.nl. Die helpt u graag.")
    assert "privacy officer: 020 555 0199" in privacy_line(policy, catalogue("en"))
    assert "\u2066020 555 0199, privacy@gemeente.example.nl\u2069" in privacy_line(
        policy, catalogue("ar"))
    assert "\u2066" not in privacy_line(policy, catalogue("tr"))
    silent = replace(policy, organisations=tuple(
        replace(o, roles=tuple(replace(r, contact=None) for r in o.roles))
        for o in policy.organisations))
    assert privacy_line(silent, catalogue("nl")) == (
        "Vragen over uw gegevens? Bel de gemeente en vraag naar de privacy officer. Die "
        "helpt u graag.")
    assert privacy_line(silent, catalogue("en")) == (
        "Questions about your data? Call the municipality and ask for the privacy officer. "
        "They are happy to help.")


def test_the_page_speaks_english_turkish_and_arabic(policy: Policy) -> None:
    """The same facts in the other catalogues, with their own month names and the
    regie's role in that language (the policy's Dutch name only as a fallback)."""
    facts = _facts(grants=(GrantHistory(_grant("G-HUM", "humanitas", ("contact",),
                                                 ("toestemming",))),))
    en = build_page(policy, facts, catalogue("en"), NOW)
    assert en.grants[0].text.endswith("This applies until 31 March 2027.")
    assert "neighbourhood team worker" in en.who[0] and "buurtteammedewerker" not in en.who[0]
    assert "buurtteammedewerker" in build_page(policy, facts, catalogue("nl"), NOW).who[0]
    tr = build_page(policy, facts, catalogue("tr"), NOW)
    assert "31 Mart 2027" in tr.grants[0].text
    ar = build_page(policy, facts, catalogue("ar"), NOW)
    assert "مارس" in ar.grants[0].text and "موظف فريق الحي" in ar.who[0]


def test_ended_grants_move_to_their_own_list(policy: Policy) -> None:
    """A withdrawn grant is no longer offered for withdrawal; it is listed as ended."""
    g = _grant("G-HUM", "humanitas", ("contact",), ("toestemming",),
               withdrawn_at=NOW - dt.timedelta(days=1))
    page = build_page(policy, _facts(grants=(GrantHistory(g, "citizen"),)), catalogue("nl"),
                      NOW)
    assert page.grants == ()
    assert page.ended == ("Humanitas Thuisadministratie mag uw gegevens niet meer gebruiken. "
                          "Gestopt op 2 december 2026.",)


def test_the_timeline_tells_what_happened_without_names(policy: Policy) -> None:
    """Audit entries become plain sentences, newest first; the citizen's own acts say
    'U'; nobody's user id appears."""
    def e(code: str, minutes: int, **kw: object) -> tuple[int, AuditEntry]:
        return minutes, AuditEntry(event_code=code, action="C", outcome="done",
                                   occurred_at=NOW + dt.timedelta(minutes=minutes),
                                   source="t", case_id="C-TEST1234", **kw)  # type: ignore[arg-type]
    history = (
        e("case.created", 1, user_id="@anouk:x", organisation="buurtteam"),
        e("consent.granted", 2, user_id=DATA_SUBJECT, details={"organisation": "humanitas"}),
        e("consent.withdrawn", 3, user_id=DATA_SUBJECT, details={"organisation": "humanitas",
                                                                 "channel": "citizen"}),
        e("membership.removed", 4, user_id="@casus:x",
          details={"subject_organisation": "humanitas"}),
        e("breakglass.started", 5, user_id="@ggd:x", organisation="ggd",
          details={"organisation": "ggd"}),
        e("citizen.viewed", 6, user_id=DATA_SUBJECT),
    )
    page = build_page(policy, _facts(history=history), catalogue("nl"), NOW)
    texts = [t for _, t in page.timeline]
    assert texts == [
        "Er was haast. Daarom mocht GGD Amsterdam – Bemoeizorg even meekijken. "
        "Dit wordt altijd gecontroleerd.",
        "Iemand van Humanitas Thuisadministratie is uit het gesprek gehaald.",
        "U heeft de toestemming voor Humanitas Thuisadministratie ingetrokken.",
        "U gaf Humanitas Thuisadministratie toestemming om mee te doen.",
        "Uw hulpvraag is gestart bij Buurtteam Amsterdam.",
    ]
    assert not any("@" in t for t in texts)


def test_only_the_citizen_gives_again_what_the_citizen_withdrew(policy: Policy) -> None:
    """After a withdrawal by the citizen a professional cannot give that organisation
    consent again; the citizen can; a law-based grant is not blocked; a newer grant
    given by the citizen opens the door again."""
    withdrawn = GrantHistory(_grant("G-1", "humanitas", ("contact",), ("toestemming",),
                                    days_ago=9, withdrawn_at=NOW), "citizen")
    by_regie = GrantHistory(_grant("G-0", "humanitas", ("contact",), ("toestemming",),
                                   days_ago=20, withdrawn_at=NOW), "matrix")
    assert regrant_blocked(policy, [withdrawn], "humanitas", ("toestemming",), "@a:x")
    assert not regrant_blocked(policy, [withdrawn], "humanitas", ("toestemming",),
                               DATA_SUBJECT)
    assert not regrant_blocked(policy, [withdrawn], "schuldhulp", ("toestemming",), "@a:x")
    assert not regrant_blocked(policy, [by_regie], "humanitas", ("toestemming",), "@a:x")
    again = GrantHistory(_grant("G-2", "humanitas", ("contact",), ("toestemming",),
                                days_ago=0, given_by=DATA_SUBJECT))  # type: ignore[arg-type]
    assert not regrant_blocked(policy, [withdrawn, again], "humanitas", ("toestemming",),
                               "@a:x")
    before = GrantHistory(_grant("G-4", "humanitas", ("contact",), ("toestemming",),
                                 days_ago=1, given_by=DATA_SUBJECT))  # type: ignore[arg-type]
    assert regrant_blocked(policy, [before, withdrawn], "humanitas", ("toestemming",),
                           "@a:x"), "the citizen's last word was the withdrawal"
    wgs = GrantHistory(_grant("G-3", "schuldhulp", ("schulden",), ("toestemming",),
                              withdrawn_at=NOW), "citizen")
    assert not regrant_blocked(policy, [wgs], "schuldhulp", ("wgs",), "@a:x")


def test_a_proposal_becomes_a_question_with_two_answers(policy: Policy) -> None:
    """An open proposal asks yes or no; a decided one offers its receipt instead."""
    p = Proposal(proposal_id="P-1", case_id="C-TEST1234", organisation="humanitas",
                 categories=("contact", "schulden"), legal_bases=("toestemming",),
                 valid_until=dt.datetime(2027, 3, 31, tzinfo=dt.UTC), proposed_by="@a:x",
                 proposed_at=NOW)
    page = build_page(policy, _facts(proposals=(p,)), catalogue("nl"), NOW)
    q = page.proposals[0]
    assert q.question == ("Mag Humanitas Thuisadministratie uw gegevens over contact en "
                          "schulden gebruiken tot 31 maart 2027?")
    assert q.yes.startswith("Ja") and q.no.startswith("Nee")
    done = Proposal(**{**{f: getattr(p, f) for f in p.__slots__},  # type: ignore[arg-type]
                       "status": "refused", "decided_at": NOW, "receipt": "note"})
    page = build_page(policy, _facts(proposals=(done,)), catalogue("nl"), NOW)
    assert page.proposals == () and page.receipts[0].proposal_id == "P-1"


def test_a_consent_receipt_has_the_27560_fields_and_verifies(policy: Policy) -> None:
    """The receipt names subject (pseudonym), purpose, basis, categories, controller,
    recipient, method, retention, jurisdiction, withdrawal and the event; its
    signature verifies with the service key and fails for another key."""
    p = Proposal(proposal_id="P-1", case_id="C-TEST1234", organisation="ggd",
                 categories=("gezondheid",), legal_bases=("toestemming",
                                                          "uitdrukkelijke-toestemming"),
                 valid_until=dt.datetime(2027, 3, 31, tzinfo=dt.UTC), proposed_by="@a:x",
                 proposed_at=NOW, grant_id="G-9")
    body = receipt_body(policy, p, decision="given", at=NOW, controller="buurtteam",
                        record_id="R-1")
    for key in ("record_id", "data_subject", "purpose", "legal_basis",
                "personal_data_categories", "controllers", "recipients", "collection_method",
                "retention", "jurisdiction", "withdrawal_method", "events"):
        assert body[key], key
    assert body["personal_data_categories"][0]["special"] is True
    assert body["data_subject"]["id"] == "case:C-TEST1234"
    assert body["events"][0]["event"] == "given" and body["events"][0]["by"] == "data subject"
    signer = Signer.generate("busbaan.local/audit")
    note = sign_receipt(body, signer)
    assert '"grant_id":"G-9"' in open_note(note, signer.verifier)
    with pytest.raises(NoteError):
        open_note(note, Signer.generate("busbaan.local/audit").verifier)
