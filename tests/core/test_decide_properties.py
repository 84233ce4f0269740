"""Properties of ``decide`` over generated scopes, people and times (Hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busbaan.consent import Access, Action, CaseScope, Grant, Professional, decide
from busbaan.directory import Directory
from busbaan.policy import Policy, load_policy
from tests.core.conftest import POLICY_DIR

BOT = "@casus:busbaan.example"
REGIE = "@regie:inkomen.busbaan.example"
POLICY: Policy = load_policy(POLICY_DIR)
# A variant in which ggd's homeserver names its professionals (domain fallback).
POLICY_WITH_DEFAULT = dataclasses.replace(
    POLICY,
    organisations=tuple(
        dataclasses.replace(o, default_role="arts") if o.id == "ggd" else o
        for o in POLICY.organisations
    ),
)
ORGS = [o.id for o in POLICY.organisations]
ROLES = sorted({r.id for o in POLICY.organisations for r in o.roles})
BASE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

timezones = st.one_of(
    st.just(dt.UTC),
    st.builds(dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59),
                                         max_value=dt.timedelta(hours=23, minutes=59))),
)
any_time = st.datetimes(timezones=timezones)
near_time = st.integers(min_value=-400, max_value=400).map(lambda h: BASE + dt.timedelta(hours=h))
user_ids = st.one_of(
    st.text(max_size=40),
    st.builds(lambda local, server: f"@{local}:{server}", st.text(max_size=10),
              st.sampled_from([f"{o}.busbaan.example" for o in ORGS] + ["elders.example", ""])),
)
people = st.builds(
    Professional,
    user_id=st.builds(lambda i, org: f"@p{i}:{org}.busbaan.example",
                      st.integers(0, 30), st.sampled_from(ORGS)),
    organisation=st.sampled_from([*ORGS, "politie"]),
    role=st.sampled_from([*ROLES, "kok"]),
)


@st.composite
def grants(draw: st.DrawFn, times: st.SearchStrategy[dt.datetime] = near_time) -> Grant:
    start = draw(times)
    return Grant(
        grant_id=f"G-{draw(st.integers(0, 10**6))}",
        organisation=draw(st.sampled_from([*ORGS, "politie", ""])),
        categories=("contact",), legal_bases=("toestemming",),
        valid_from=start, valid_until=start + draw(st.timedeltas(
            min_value=dt.timedelta(0), max_value=dt.timedelta(days=20))),
        given_by=REGIE,
        roles=tuple(draw(st.lists(st.sampled_from(ROLES), max_size=2))),
        withdrawn_at=draw(st.none() | times),
    )


accesses = st.builds(Access, user_id=st.one_of(user_ids, people.map(lambda p: p.user_id)),
                     kind=st.sampled_from(["break_glass", "sideline", "iets"]), until=near_time)


@st.composite
def scopes(draw: st.DrawFn) -> CaseScope:
    return CaseScope(
        case_id="C-1", room_id="!r:x",
        home_organisation=draw(st.sampled_from([*ORGS, "politie"])),
        regie=draw(st.sampled_from([REGIE, "@weg:elders.example"])),
        grants=tuple(draw(st.lists(grants(), max_size=6))),
        accesses=tuple(draw(st.lists(accesses, max_size=2))),
        closed=draw(st.booleans()),
    )


def directory_of(entries: list[Professional], policy: Policy = POLICY) -> Directory:
    return Directory.of(policy, [Professional(REGIE, "inkomen", "klantmanager"), *entries])


def join(policy: Policy, scope: CaseScope, directory: Directory, who: str,
         now: dt.datetime) -> bool:
    return decide(policy, scope, directory, Action.STAY, actor=who, now=now,
                  bot_user_id=BOT).allowed


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scope=scopes(), entries=st.lists(people, max_size=8), action=st.sampled_from(list(Action)),
    actor=user_ids, subject=st.none() | user_ids, now=any_time,
    event_type=st.none() | st.text(max_size=30), with_default=st.booleans(),
)
def test_decide_never_raises(scope, entries, action, actor, subject, now, event_type,
                             with_default):
    """decide returns a Decision, never an exception, for any user ids, times and scopes."""
    policy = POLICY_WITH_DEFAULT if with_default else POLICY
    d = decide(policy, scope, directory_of(entries, policy), action, actor=actor,
               subject=subject, now=now, bot_user_id=BOT, event_type=event_type)
    assert isinstance(d.allowed, bool) and d.code.startswith("ok." if d.allowed else "refused.")
    assert d.nl and d.en


@settings(max_examples=150, deadline=None)
@given(scope=scopes(), entries=st.lists(people, min_size=1, max_size=8), now=near_time,
       data=st.data())
def test_inactive_grants_never_admit(scope, entries, now, data):
    """With only withdrawn or expired grants, nobody is admitted by a grant."""
    def deactivate(g: Grant) -> Grant:
        if data.draw(st.booleans()):
            return dataclasses.replace(g, withdrawn_at=now - dt.timedelta(
                seconds=data.draw(st.integers(0, 10**6))))
        return dataclasses.replace(g, valid_until=min(g.valid_until, now),
                                   valid_from=min(g.valid_from, now))
    inactive = dataclasses.replace(scope, grants=tuple(deactivate(g) for g in scope.grants),
                                   accesses=())
    directory = directory_of(entries)
    for p in entries:
        d = decide(POLICY, inactive, directory, Action.JOIN, actor=p.user_id, now=now,
                   bot_user_id=BOT)
        assert d.code != "ok.grant" and d.grant_id is None
        if d.allowed:
            assert d.code == "ok.home_organisation"


@settings(max_examples=150, deadline=None)
@given(scope=scopes(), extra=grants(), entries=st.lists(people, min_size=1, max_size=8),
       now=near_time, first=st.booleans())
def test_adding_a_grant_removes_nobody(scope, extra, entries, now, first):
    """Adding a grant never turns an admitted person into a refused one."""
    more = dataclasses.replace(
        scope, grants=(extra, *scope.grants) if first else (*scope.grants, extra))
    directory = directory_of(entries)
    for who in [p.user_id for p in entries] + [REGIE]:
        if join(POLICY, scope, directory, who, now):
            assert join(POLICY, more, directory, who, now)


@settings(max_examples=150, deadline=None)
@given(scope=scopes(), entries=st.lists(people, min_size=1, max_size=8), now=near_time,
       data=st.data())
def test_withdrawing_admits_nobody_new(scope, entries, now, data):
    """Withdrawing a grant never admits someone who was refused before."""
    if not scope.grants:
        return
    i = data.draw(st.integers(0, len(scope.grants) - 1))
    at = now - dt.timedelta(seconds=data.draw(st.integers(0, 10**6)))
    withdrawn = dataclasses.replace(scope, grants=tuple(
        dataclasses.replace(g, withdrawn_at=at) if j == i else g
        for j, g in enumerate(scope.grants)))
    directory = directory_of(entries)
    for who in [p.user_id for p in entries] + [REGIE]:
        if join(POLICY, withdrawn, directory, who, now):
            assert join(POLICY, scope, directory, who, now)
    # and whoever is admitted by a grant is admitted by one that is still active
    for p in entries:
        d = decide(POLICY, withdrawn, directory, Action.STAY, actor=p.user_id, now=now,
                   bot_user_id=BOT)
        if d.grant_id is not None:
            assert any(g.grant_id == d.grant_id and g.active_at(now) for g in withdrawn.grants)


@settings(max_examples=200, deadline=None)
@given(g=grants(), who=people, now=near_time)
def test_a_grant_admits_exactly_when_it_covers_and_is_active(g, who, now):
    """With one grant, decide admits by it exactly when Grant.covers and Grant.active_at say so."""
    scope = CaseScope(case_id="C-1", room_id="!r:x", home_organisation="fg",
                      regie="@weg:elders.example", grants=(g,))
    d = decide(POLICY, scope, directory_of([who]), Action.JOIN, actor=who.user_id, now=now,
               bot_user_id=BOT)
    in_policy = POLICY.organisation(who.organisation) is not None and POLICY.organisation(
        who.organisation).role(who.role) is not None
    expected = in_policy and who.organisation != "fg" and g.covers(who) and g.active_at(now)
    assert (d.code == "ok.grant") is expected
    if not expected and in_policy and who.organisation != "fg" and g.covers(who):
        assert d.code == f"refused.grant_{g.status(now)}"
