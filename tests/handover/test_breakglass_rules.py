"""Break-glass rules: who may use the loper, what reason it needs, what it starts and records."""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.consent import Action, decide
from busbaan.errors import BusbaanError
from busbaan.handover import breakglass
from tests.handover.conftest import BOT, GGD_ARTS, NOW, SH, SH_LEAD, STRANGER, WMO, with_access

REASON = "Huisuitzetting is morgen en de regie is niet bereikbaar."


def start(policy, directory, rules, user=GGD_ARTS, reason=REASON, closed=False):
    return breakglass.start(policy, user_id=user, who=directory(user), case_id="C-TEST0001",
                            case_closed=closed, reason=reason, now=NOW, rules=rules)


def errcode(fn, *args, **kwargs) -> str:
    with pytest.raises(BusbaanError) as info:
        fn(*args, **kwargs)
    return info.value.errcode


def test_an_allowed_role_gets_a_limited_access_and_a_flagged_record(policy, directory,
                                                                   rules) -> None:
    """A role with break_glass: true gets an access for duration_hours; the record is flagged
    emergency, marked for review and has a reason code but not the reason."""
    out = start(policy, directory, rules)
    assert out.access is not None
    assert (out.access.user_id, out.access.kind) == (GGD_ARTS, "break_glass")
    assert out.access.until == NOW + dt.timedelta(hours=rules.break_glass_hours)
    assert out.access.reason_code == "breakglass.housing"
    (record,) = out.records
    assert record.event_code == "breakglass.started"
    assert record.checks["emergency"] == "yes" and record.details["review"] == "required"
    assert record.reason_code == "breakglass.housing"
    assert record.personal == {"reason": REASON}
    assert REASON not in str(dict(record.details))


def test_the_access_admits_through_decide_until_it_ends(policy, directory, rules,
                                                        scope) -> None:
    """decide admits the professional by the access, flagged emergency, and not after it."""
    out = start(policy, directory, rules)
    assert out.access is not None
    entered = with_access(scope, out.access)
    d = decide(policy, entered, directory, Action.JOIN, actor=GGD_ARTS, now=NOW,
               bot_user_id=BOT)
    assert d.code == "ok.break_glass" and d.checks["emergency"] == "yes"
    later = decide(policy, entered, directory, Action.STAY, actor=BOT, subject=GGD_ARTS,
                   now=out.access.until, bot_user_id=BOT)
    assert not later.allowed


@pytest.mark.parametrize(("user", "code"), [
    (SH, "BB_BREAKGLASS_ROLE"),
    (WMO, "BB_BREAKGLASS_ROLE"),
    (STRANGER, "BB_NOT_IN_DIRECTORY"),
])
def test_roles_without_the_key_are_refused(policy, directory, rules, user, code) -> None:
    """A role without break_glass, or someone not in the directory, is refused."""
    assert errcode(start, policy, directory, rules, user=user) == code


def test_the_refusal_names_who_in_the_organisation_may(policy, directory, rules) -> None:
    """The refusal for a schuldhulpverlener names the schuldhulp roles that may."""
    with pytest.raises(BusbaanError) as info:
        start(policy, directory, rules, user=SH)
    assert "schuldhulp/teamleider" in info.value.message("nl")
    assert start(policy, directory, rules, user=SH_LEAD).access is not None


@pytest.mark.parametrize(("reason", "code"), [
    ("", "BB_BREAKGLASS_REASON"),
    ("spoed", "BB_BREAKGLASS_REASON"),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "BB_BREAKGLASS_REASON"),  # long but not a sentence
    ("spoed spoed spoed!", "BB_BREAKGLASS_REASON"),  # under min_reason_chars
    ("Dhr. Jansen wordt morgen uit huis gezet, regie onbereikbaar", "BB_PERSONAL_DATA"),
    ("Cliënt met BSN 111222333 wordt morgen uit huis gezet", "BB_PERSONAL_DATA"),
])
def test_the_reason_must_be_a_sentence_without_personal_data(policy, directory, rules, reason,
                                                             code) -> None:
    """No reason, a word, a non-sentence or personal data: refused."""
    assert errcode(start, policy, directory, rules, reason=reason) == code


def test_a_closed_case_cannot_be_entered(policy, directory, rules) -> None:
    """Break-glass into a closed case is refused."""
    assert errcode(start, policy, directory, rules, closed=True) == "BB_CASE_CLOSED"


@pytest.mark.parametrize(("text", "code"), [
    ("Er is acute dreiging van geweld in het gezin", "breakglass.safety"),
    ("Energie wordt morgen afgesloten, niemand bereikbaar", "breakglass.utilities"),
    ("Opname in het ziekenhuis, medicatie moet geregeld", "breakglass.health"),
    ("Er moet vandaag iets geregeld worden voor de cliënt", "breakglass.other"),
])
def test_reason_codes_are_coarse_categories(text: str, code: str) -> None:
    """The reason code is a category from words in the reason, 'other' when none fits."""
    assert breakglass.classify_reason(text) == code


def test_ending_records_the_end_with_the_right_event(policy, directory, rules) -> None:
    """A break-glass end records breakglass.ended (emergency); a sideline end its own event."""
    out = start(policy, directory, rules)
    assert out.access is not None
    ended = breakglass.end_access("C-TEST0001", out.access, out.access.until)
    assert ended.event_code == "breakglass.ended" and ended.checks["emergency"] == "yes"
    assert ended.subject == GGD_ARTS and ended.actor is None
    import dataclasses

    side = breakglass.end_access("C-TEST0001", dataclasses.replace(out.access, kind="sideline"),
                                 NOW)
    assert side.event_code == "handover.sideline_ended"
