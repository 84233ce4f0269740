"""``decide``: who may invite, join, knock, stay and send state in a case room, over a
table of actions × actors × subjects, closed cases and temporary accesses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from busbaan.consent import (
    PROTECTED_STATE,
    Access,
    Action,
    CaseScope,
    Grant,
    Professional,
    decide,
    scope_admits,
)
from busbaan.directory import Directory
from tests.core.conftest import NOW

BOT = "@casus:busbaan.example"
REGIE = "@regie:inkomen.busbaan.example"
COLLEGA = "@collega:inkomen.busbaan.example"
SH = "@sh:schuldhulp.busbaan.example"  # granted, matching role
BB = "@bb:schuldhulp.busbaan.example"  # granted organisation, other role
BT = "@bt:buurtteam.busbaan.example"  # expired grant
WMO = "@wmo:wmo.busbaan.example"  # withdrawn grant
GGD = "@ggd:ggd.busbaan.example"  # pending grant
HA = "@ha:huisartsen.busbaan.example"  # organisation not in scope
UNKNOWN = "@onbekend:elders.example"  # not in the directory
ALIEN = "@vreemd:politie.example"  # in the directory, organisation not in the policy
NOROLE = "@kok:humanitas.busbaan.example"  # in the directory, role not in the policy
GLASS = "@glass:ggd.busbaan.example"  # break-glass access, active
SIDE = "@side:schuldhulp.busbaan.example"  # sideline access, active
OLDSIDE = "@oldside:wmo.busbaan.example"  # sideline access, expired

PEOPLE = [
    Professional(REGIE, "inkomen", "klantmanager"),
    Professional(COLLEGA, "inkomen", "consulent"),
    Professional(SH, "schuldhulp", "schuldhulpverlener"),
    Professional(BB, "schuldhulp", "budgetbeheerder"),
    Professional(BT, "buurtteam", "buurtteammedewerker"),
    Professional(WMO, "wmo", "wmo-consulent"),
    Professional(GGD, "ggd", "arts"),
    Professional(HA, "huisartsen", "huisarts"),
    Professional(ALIEN, "politie", "agent"),
    Professional(NOROLE, "humanitas", "kok"),
    Professional(GLASS, "ggd", "sociaal-psychiatrisch-verpleegkundige"),
    Professional(SIDE, "schuldhulp", "teamleider"),
    Professional(OLDSIDE, "wmo", "teamleider"),
]


def grant(grant_id: str, org: str, *, roles: tuple[str, ...] = (), start: dt.datetime | None = None,
          until: dt.datetime | None = None, withdrawn: dt.datetime | None = None) -> Grant:
    return Grant(
        grant_id=grant_id, organisation=org, categories=("contact",), legal_bases=("wgs",),
        valid_from=start or NOW - dt.timedelta(days=10),
        valid_until=until or NOW + dt.timedelta(days=30),
        given_by=REGIE, roles=roles, withdrawn_at=withdrawn,
    )


GRANTS = (
    grant("G-sh", "schuldhulp", roles=("schuldhulpverlener",)),
    grant("G-bt", "buurtteam", until=NOW - dt.timedelta(seconds=1)),
    grant("G-wmo", "wmo", withdrawn=NOW - dt.timedelta(hours=1)),
    grant("G-ggd", "ggd", start=NOW + dt.timedelta(days=1)),
)
ACCESSES = (
    Access(GLASS, "break_glass", NOW + dt.timedelta(hours=2), "crisis"),
    Access(SIDE, "sideline", NOW + dt.timedelta(days=3)),
    Access(OLDSIDE, "sideline", NOW - dt.timedelta(minutes=1)),
)


@pytest.fixture(scope="module")
def directory(policy) -> Directory:
    return Directory.of(policy, PEOPLE)


@pytest.fixture(scope="module")
def scope() -> CaseScope:
    return CaseScope(case_id="C-7K2Q", room_id="!room:inkomen.busbaan.example",
                     home_organisation="inkomen", regie=REGIE, grants=GRANTS, accesses=ACCESSES)


def run(policy, scope, directory, action, actor, subject=None, event_type=None, now=NOW):
    return decide(policy, scope, directory, action, actor=actor, subject=subject, now=now,
                  bot_user_id=BOT, event_type=event_type)


# What the scope says about each subject (for invite by the regie, join and stay).
SUBJECT_CODES = {
    REGIE: "ok.home_organisation",
    COLLEGA: "ok.home_organisation",
    SH: "ok.grant",
    BB: "refused.role_not_in_scope",
    BT: "refused.grant_expired",
    WMO: "refused.grant_withdrawn",
    GGD: "refused.grant_pending",
    HA: "refused.organisation_not_in_scope",
    UNKNOWN: "refused.not_in_directory",
    ALIEN: "refused.unknown_in_policy",
    NOROLE: "refused.unknown_in_policy",
    GLASS: "ok.break_glass",
    SIDE: "ok.sideline",
    OLDSIDE: "refused.grant_withdrawn",
    BOT: "ok.bot",
}
ACTORS = {"regie": REGIE, "member": COLLEGA, "bot": BOT, "outsider": HA}


def _table() -> list[tuple[str, str, str, str]]:
    rows = []
    for subject, code in SUBJECT_CODES.items():
        for actor_name in ACTORS:
            # invite: only the regie (and the bot) invite; the subject must be in scope
            if subject == BOT:
                invite = "ok.bot"
            elif actor_name in ("regie", "bot"):
                invite = code
            else:
                invite = "refused.not_regie"
            rows.append(("invite", actor_name, subject, invite))
        # join and stay are decided on the subject; knock is refused for everyone but the bot
        rows.append(("join", "self", subject, code))
        rows.append(("stay", "self", subject, code))
        rows.append(("knock", "self", subject, "ok.bot" if subject == BOT else "refused.knock"))
    return rows


TABLE = _table()


@pytest.mark.parametrize(("action", "actor", "subject", "code"), TABLE)
def test_decision_table(policy, scope, directory, action, actor, subject, code):
    """Each action by each actor on each subject gets the expected code and outcome."""
    actor_id = subject if actor == "self" else ACTORS[actor]
    decision = run(policy, scope, directory, Action(action), actor_id, subject)
    assert decision.code == code
    assert decision.allowed is code.startswith("ok.")
    assert decision.nl and decision.en
    if not decision.allowed:
        assert decision.checks["authorised"] == "fail"


def test_table_covers_the_matrix():
    """The table covers invite for four actors and join, stay and knock for 15 subjects."""
    assert len(TABLE) == len(SUBJECT_CODES) * (len(ACTORS) + 3)
    assert {row[3] for row in TABLE} >= {
        "ok.home_organisation", "ok.grant", "ok.break_glass", "ok.sideline", "ok.bot",
        "refused.role_not_in_scope", "refused.grant_expired", "refused.grant_withdrawn",
        "refused.grant_pending", "refused.organisation_not_in_scope",
        "refused.not_in_directory", "refused.unknown_in_policy", "refused.knock",
        "refused.not_regie"}


def test_join_without_subject_judges_the_actor(policy, scope, directory):
    """A join with no subject given is decided on the actor who joins."""
    assert run(policy, scope, directory, Action.JOIN, SH).code == "ok.grant"
    assert run(policy, scope, directory, Action.JOIN, HA).code == (
        "refused.organisation_not_in_scope")


# -- what an admitting or refusing decision carries ----------------------------------


def test_grant_decision_names_the_grant_and_its_scope(policy, scope, directory):
    """An admission by grant carries the grant id, categories, bases and passed checks."""
    d = run(policy, scope, directory, Action.JOIN, SH)
    assert (d.grant_id, d.categories, d.legal_bases) == ("G-sh", ("contact",), ("wgs",))
    assert d.checks == {"authorised": "pass", "consent": "pass", "emergency": "no"}
    assert "G-sh" in d.nl and "2025-07-02" in d.en


def test_break_glass_is_flagged_as_emergency(policy, scope, directory):
    """Break-glass admissions are marked as emergency access; sideline ones are not."""
    assert run(policy, scope, directory, Action.JOIN, GLASS).checks["emergency"] == "yes"
    assert run(policy, scope, directory, Action.JOIN, SIDE).checks["emergency"] == "no"


def test_refusals_explain_what_to_do(policy, scope, directory):
    """Refusals name the organisation or person and the next step, in Dutch and English."""
    d = run(policy, scope, directory, Action.INVITE, REGIE, HA)
    assert "!toestemming geef huisartsen" in d.nl and "!toestemming geef huisartsen" in d.en
    assert d.checks["consent"] == "fail"
    d = run(policy, scope, directory, Action.INVITE, COLLEGA, SH)
    assert REGIE in d.nl and REGIE in d.en
    d = run(policy, scope, directory, Action.KNOCK, HA)
    assert REGIE in d.reason("nl") and "Knocking" in d.reason("en")
    d = run(policy, scope, directory, Action.JOIN, BB)
    assert "schuldhulpverlener" in d.nl and "budgetbeheerder" in d.en
    d = run(policy, scope, directory, Action.JOIN, WMO)
    assert "ingetrokken" in d.nl and "withdrawn" in d.en and "G-wmo" in d.nl
    d = run(policy, scope, directory, Action.JOIN, UNKNOWN)
    assert UNKNOWN in d.nl and "directory" in d.en


# -- closed cases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "actor", "subject", "code"),
    [
        (Action.INVITE, REGIE, COLLEGA, "refused.case_closed"),
        (Action.INVITE, REGIE, SH, "refused.case_closed"),
        (Action.INVITE, COLLEGA, SH, "refused.case_closed"),
        (Action.JOIN, SH, SH, "refused.case_closed"),
        (Action.STAY, REGIE, REGIE, "refused.case_closed"),
        (Action.STAY, GLASS, GLASS, "refused.case_closed"),
        (Action.KNOCK, HA, HA, "refused.knock"),
        (Action.STAY, BOT, BOT, "ok.bot"),
        (Action.INVITE, REGIE, BOT, "ok.bot"),
        (Action.SEND_STATE, BOT, None, "ok.bot"),
    ],
)
def test_closed_case_admits_nobody_but_the_bot(policy, scope, directory, action, actor, subject,
                                               code):
    """In a closed case nobody may invite, join or stay, except the bot."""
    closed = dataclasses.replace(scope, closed=True)
    event_type = "nl.busbaan.case" if action is Action.SEND_STATE else None
    assert run(policy, closed, directory, action, actor, subject, event_type).code == code


# -- temporary access -------------------------------------------------------------


def test_access_ends_at_its_time(policy, scope, directory):
    """A temporary access admits until, and not at, its end time."""
    until = ACCESSES[0].until
    assert run(policy, scope, directory, Action.STAY, GLASS,
               now=until - dt.timedelta(microseconds=1)).allowed
    assert run(policy, scope, directory, Action.STAY, GLASS, now=until).code == (
        "refused.grant_pending")  # ggd's grant only starts tomorrow


def test_access_of_someone_outside_the_policy_does_not_admit(policy, scope, directory):
    """An access for a person whose organisation is not in the policy admits nobody."""
    with_access = dataclasses.replace(
        scope, accesses=(Access(ALIEN, "break_glass", NOW + dt.timedelta(hours=1)),))
    assert run(policy, with_access, directory, Action.JOIN, ALIEN).code == (
        "refused.unknown_in_policy")


def test_access_is_personal(policy, scope, directory):
    """An access admits the person it names, not their colleagues."""
    other_ggd = Directory.of(policy, [*PEOPLE, Professional(
        "@ander:ggd.busbaan.example", "ggd", "sociaal-psychiatrisch-verpleegkundige")])
    assert run(policy, scope, other_ggd, Action.JOIN, "@ander:ggd.busbaan.example").code == (
        "refused.grant_pending")


# -- grants over time -----------------------------------------------------------


def test_grant_is_active_from_start_until_end(policy, scope, directory):
    """A grant admits from its start (inclusive) to its end (exclusive)."""
    g = GRANTS[3]  # ggd, starts tomorrow
    assert run(policy, scope, directory, Action.JOIN, GGD, now=g.valid_from).code == "ok.grant"
    assert run(policy, scope, directory, Action.JOIN, GGD,
               now=g.valid_from - dt.timedelta(microseconds=1)).code == "refused.grant_pending"
    assert run(policy, scope, directory, Action.JOIN, GGD,
               now=g.valid_until - dt.timedelta(microseconds=1)).code == "ok.grant"
    assert run(policy, scope, directory, Action.JOIN, GGD, now=g.valid_until).code == (
        "refused.grant_expired")


def test_withdrawal_takes_effect_at_its_time(policy, scope, directory):
    """A withdrawn grant still admitted before the withdrawal and not from then on."""
    withdrawn_at = GRANTS[2].withdrawn_at
    assert run(policy, scope, directory, Action.STAY, WMO,
               now=withdrawn_at - dt.timedelta(seconds=1)).code == "ok.grant"
    assert run(policy, scope, directory, Action.STAY, WMO, now=withdrawn_at).code == (
        "refused.grant_withdrawn")


def test_a_second_active_grant_admits_despite_an_inactive_one(policy, scope, directory):
    """An active grant admits even when an expired or withdrawn grant for the org exists."""
    renewed = dataclasses.replace(scope, grants=(*GRANTS, grant("G-bt2", "buurtteam")))
    d = run(policy, renewed, directory, Action.JOIN, BT)
    assert (d.code, d.grant_id) == ("ok.grant", "G-bt2")


def test_grant_without_roles_admits_every_role(policy, scope, directory):
    """A grant that names no roles admits every role of the organisation."""
    open_sh = dataclasses.replace(scope, grants=(grant("G-all", "schuldhulp"),))
    assert run(policy, open_sh, directory, Action.JOIN, BB).code == "ok.grant"
    assert run(policy, open_sh, directory, Action.JOIN, SH).code == "ok.grant"


def test_grant_for_one_organisation_does_not_admit_another(policy, scope, directory):
    """A grant admits only its own organisation."""
    d = run(policy, scope, directory, Action.JOIN, HA)
    assert d.code == "refused.organisation_not_in_scope"


# -- the regie's organisation -----------------------------------------------------


def test_regie_organisation_is_admitted_when_it_differs_from_home(policy, directory):
    """After a handover, the new regie's colleagues are admitted as well as the home org's."""
    handed_over = CaseScope(case_id="C-1", room_id="!r:x", home_organisation="buurtteam",
                            regie=REGIE)
    assert run(policy, handed_over, directory, Action.JOIN, COLLEGA).code == (
        "ok.home_organisation")
    assert run(policy, handed_over, directory, Action.JOIN, BT).code == "ok.home_organisation"
    assert run(policy, handed_over, directory, Action.JOIN, SH).code == (
        "refused.organisation_not_in_scope")


def test_regie_missing_from_directory_only_home_org_admitted(policy):
    """When the regie is not in the directory, only the home organisation is admitted."""
    directory = Directory.of(policy, [p for p in PEOPLE if p.user_id != REGIE])
    handed_over = CaseScope(case_id="C-1", room_id="!r:x", home_organisation="buurtteam",
                            regie=REGIE)
    assert run(policy, handed_over, directory, Action.JOIN, COLLEGA).code == (
        "refused.organisation_not_in_scope")
    assert run(policy, handed_over, directory, Action.JOIN, BT).code == "ok.home_organisation"


def test_scope_admits_directly(policy, scope):
    """scope_admits uses the regie organisation it is given."""
    who = Professional(HA, "huisartsen", "huisarts")
    assert scope_admits(policy, scope, who, NOW, None).code == "refused.organisation_not_in_scope"
    assert scope_admits(policy, scope, who, NOW, "huisartsen").code == "ok.home_organisation"


# -- state events ---------------------------------------------------------------

PROTECTED = [*sorted(PROTECTED_STATE), "nl.busbaan.consent", "nl.busbaan.case",
             "nl.busbaan.access", "nl.busbaan.anything"]
ORDINARY = ["m.room.avatar", "m.room.pinned_events", "org.example.notes", "nl.busbaanx.thing"]


@pytest.mark.parametrize("event_type", PROTECTED)
@pytest.mark.parametrize("actor", [REGIE, COLLEGA, HA])
def test_protected_state_only_by_the_bot(policy, scope, directory, event_type, actor):
    """Protected and nl.busbaan.* state is refused for anyone but the bot."""
    d = run(policy, scope, directory, Action.SEND_STATE, actor, event_type=event_type)
    assert (d.allowed, d.code) == (False, "refused.protected_state")
    assert event_type in d.nl and event_type in d.en


def test_protected_state_includes_the_essentials():
    """Power levels, server ACL, history, join rules and encryption are protected."""
    assert {"m.room.power_levels", "m.room.server_acl", "m.room.history_visibility",
            "m.room.join_rules", "m.room.encryption"} <= PROTECTED_STATE


@pytest.mark.parametrize("event_type", ORDINARY)
def test_ordinary_state_is_allowed(policy, scope, directory, event_type):
    """Ordinary state events are left to the room's power levels."""
    d = run(policy, scope, directory, Action.SEND_STATE, COLLEGA, event_type=event_type)
    assert (d.allowed, d.code) == (True, "ok.state")


@pytest.mark.parametrize("event_type", PROTECTED + ORDINARY)
def test_bot_may_send_any_state(policy, scope, directory, event_type):
    """The bot may send every state event, protected or not."""
    d = run(policy, scope, directory, Action.SEND_STATE, BOT, event_type=event_type)
    assert (d.allowed, d.code) == (True, "ok.bot")


# -- the fast Decision constructor ------------------------------------------------


def test_fast_constructor_builds_equal_decisions():
    """decide's internal constructor gives the same object as Decision(...), field by field."""
    from busbaan.consent.decide import Decision, _decision

    fast = _decision(True, "ok.grant", "nl", "en", {"authorised": "pass"}, "G-1", ("contact",),
                     ("wgs",))
    slow = Decision(True, "ok.grant", "nl", "en", grant_id="G-1", categories=("contact",),
                    legal_bases=("wgs",), checks={"authorised": "pass"})
    assert fast == slow and repr(fast) == repr(slow)
    assert [f.name for f in dataclasses.fields(Decision)] == [
        "allowed", "code", "nl", "en", "grant_id", "categories", "legal_bases", "checks"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.allowed = False  # type: ignore[misc]
    assert dataclasses.replace(fast, code="x").code == "x"
    assert _decision(False, "c", "n", "e", {}) == Decision(False, "c", "n", "e")


def test_decide_returns_complete_decisions(policy, scope, directory):
    """Every decision decide returns has all fields set, equal to a Decision built normally."""
    from busbaan.consent.decide import Decision

    for subject in SUBJECT_CODES:
        for action in Action:
            d = run(policy, scope, directory, action, REGIE, subject, event_type="m.room.name")
            rebuilt = Decision(**{f.name: getattr(d, f.name) for f in dataclasses.fields(d)})
            assert d == rebuilt
            assert isinstance(d.checks, dict) and d.checks["authorised"] in ("pass", "fail")
