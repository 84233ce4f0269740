"""Fixtures for the handover core's tests: the shipped policy, a small directory,
a case led by a buurtteam professional, and (for the store) migrated databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from busbaan.consent import Access, CaseScope, Grant, Professional
from busbaan.directory import Directory
from busbaan.handover import HandoverRules, Lead
from busbaan.policy import Policy, load_policy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
# A Monday morning in Amsterdam (09:30 local, CEST).
NOW = dt.datetime(2025, 6, 2, 7, 30, tzinfo=dt.UTC)
BOT = "@casus:x"
REGIE = "@regie:buurtteam.x"  # buurtteam, lead
COLLEGA = "@collega:buurtteam.x"  # buurtteam
SH = "@sh:schuldhulp.x"  # schuldhulp, covered by a grant
SH_LEAD = "@shlead:schuldhulp.x"  # schuldhulp teamleider (may break glass)
WMO = "@wmo:wmo.x"  # wmo, not in scope
GGD_ARTS = "@arts:ggd.x"  # may break glass
STRANGER = "@nobody:elsewhere.x"  # not in the directory

PEOPLE = (
    Professional(REGIE, "buurtteam", "buurtteammedewerker"),
    Professional(COLLEGA, "buurtteam", "buurtteammedewerker"),
    Professional(SH, "schuldhulp", "schuldhulpverlener"),
    Professional(SH_LEAD, "schuldhulp", "teamleider"),
    Professional(WMO, "wmo", "wmo-consulent"),
    Professional(GGD_ARTS, "ggd", "arts"),
)


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The policy shipped in ``policies/``."""
    return load_policy(POLICY_DIR)


@pytest.fixture(scope="session")
def directory(policy: Policy) -> Directory:
    return Directory.of(policy, PEOPLE)


@pytest.fixture(scope="session")
def rules(policy: Policy) -> HandoverRules:
    return HandoverRules.from_limits(policy.limits)


def schuldhulp_grant(until: dt.datetime = NOW + dt.timedelta(days=90)) -> Grant:
    return Grant("G-SH", "schuldhulp", ("contact", "schulden"), ("wgs",),
                 NOW - dt.timedelta(days=1), until, REGIE)


@pytest.fixture
def lead() -> Lead:
    return Lead("C-TEST0001", REGIE, "buurtteam", NOW - dt.timedelta(days=10))


@pytest.fixture
def scope() -> CaseScope:
    return CaseScope("C-TEST0001", "!room:x", "buurtteam", REGIE, grants=(schuldhulp_grant(),))


def with_access(scope: CaseScope, *accesses: Access) -> CaseScope:
    import dataclasses

    return dataclasses.replace(scope, accesses=(*scope.accesses, *accesses))
