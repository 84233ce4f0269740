"""Lawfulness of consent grants under the shipped policy, and the limits on a grant's
period: a table of lawful and unlawful combinations with the expected rule ids."""

from __future__ import annotations

import datetime as dt

import pytest

from busbaan.consent import check_grant_lawful, check_grant_period
from tests.core.conftest import NOW

# (organisation, categories, legal bases, roles) -> the violated rule ids, in order
LAWFULNESS = [
    # lawful: the law the organisation's task rests on
    ("inkomen", ["contact", "inkomen"], ["participatiewet"], [], []),
    ("schuldhulp", ["schulden"], ["wgs"], [], []),
    ("buurtteam", ["schulden", "wonen"], ["wgs"], [], []),
    ("buurtteam", ["ondersteuning"], ["wmo2015"], [], []),
    ("buurtteam", ["contact"], ["wgs"], ["buurtteammedewerker"], []),
    ("ggd", ["gezondheid", "wonen"], ["wpg", "zorgverlening"], [], []),
    # lawful: health data with an art. 9(2) exception the policy allows for the organisation
    ("wmo", ["gezondheid"], ["wmo2015", "zorgverlening"], [], []),
    ("wmo", ["gezondheid"], ["wmo2015", "sociale-bescherming"], [], []),
    ("inkomen", ["gezondheid"], ["participatiewet", "sociale-bescherming"], [], []),
    # lawful: consent for organisations without a public task
    ("humanitas", ["contact", "schulden", "inkomen"], ["toestemming"], [], []),
    ("huisartsen", ["contact"], ["toestemming"], ["poh-ggz"], []),
    ("huisartsen", ["gezondheid"], ["toestemming", "uitdrukkelijke-toestemming"], [], []),
    # consent cannot replace the law for a public-task organisation
    ("inkomen", ["inkomen"], ["toestemming"], [], ["consent-not-substitute"]),
    ("schuldhulp", ["schulden"], ["wgs", "toestemming"], [], ["consent-not-substitute"]),
    ("fg", ["contact"], ["toestemming"], [], ["consent-not-substitute"]),
    # special category without (a fitting) art. 9 exception
    ("wmo", ["gezondheid"], ["wmo2015"], [], ["special-needs-art9"]),
    ("huisartsen", ["gezondheid"], ["toestemming"], [], ["special-needs-art9"]),
    ("humanitas", ["gezondheid"], ["toestemming", "zorgverlening"], [], ["special-needs-art9"]),
    ("schuldhulp", ["gezondheid"], ["wgs", "sociale-bescherming"], [],
     ["no-rule"]),  # wgs does not cover health data, sociale-bescherming covers schuldhulp
    # art. 10 data never
    ("buurtteam", ["justitie"], ["wgs"], [], ["art10-not-allowed"]),
    ("humanitas", ["contact", "justitie"], ["toestemming"], [], ["art10-not-allowed"]),
    # no art. 6 basis at all
    ("wmo", ["gezondheid"], ["zorgverlening"], [], ["no-art6-basis"]),
    ("wmo", ["contact"], [], [], ["no-art6-basis"]),
    # no rule covers the category for this organisation on this basis
    ("schuldhulp", ["ondersteuning"], ["wgs"], [], ["no-rule"]),
    ("inkomen", ["contact"], ["wmo2015"], [], ["no-rule"]),
    ("huisartsen", ["contact"], ["wettelijke-plicht"], [], ["no-rule"]),
    ("ggd", ["inkomen"], ["wpg"], [], ["no-rule"]),
    # several at once, in a stable order
    ("inkomen", ["gezondheid", "justitie"], ["toestemming"], [],
     ["consent-not-substitute", "special-needs-art9", "art10-not-allowed"]),
    ("wmo", ["gezondheid", "schulden"], ["wmo2015"], [], ["special-needs-art9", "no-rule"]),
    # unknown names
    ("kredietbank", ["contact"], ["toestemming"], [], ["unknown-organisation"]),
    ("humanitas", ["financien"], ["toestemming"], [], ["unknown-category"]),
    ("humanitas", ["contact"], ["ja"], [], ["unknown-legal-basis"]),
    ("humanitas", ["contact"], ["toestemming"], ["klantmanager"], ["unknown-role"]),
    ("humanitas", [], ["toestemming"], [], ["no-categories"]),
    ("humanitas", ["financien"], ["ja"], ["kok"],
     ["unknown-role", "unknown-category", "unknown-legal-basis"]),
]


@pytest.mark.parametrize(("org", "cats", "bases", "roles", "expected"), LAWFULNESS)
def test_lawfulness_table(policy, org, cats, bases, roles, expected):
    """check_grant_lawful returns exactly the expected rule ids for each combination."""
    violations = check_grant_lawful(policy, org, cats, bases, roles)
    assert [v.rule for v in violations] == expected
    for v in violations:
        assert v.nl and v.en and v.nl != v.en


def test_table_is_large_and_mixed():
    """The table holds at least 25 rows, with lawful and unlawful ones."""
    assert len(LAWFULNESS) >= 25
    assert sum(1 for row in LAWFULNESS if not row[-1]) >= 10


def test_consent_not_substitute_names_the_law_to_use(policy):
    """The refusal of consent for a public-task organisation names the laws it can use."""
    [v] = check_grant_lawful(policy, "schuldhulp", ["schulden"], ["toestemming"])
    assert "wgs" in v.nl and "wgs" in v.en
    assert "toestemming" not in v.nl.split("rust:")[1]


def test_special_category_names_the_possible_exceptions(policy):
    """The art. 9 refusal lists the exceptions the policy allows for that organisation."""
    [v] = check_grant_lawful(policy, "wmo", ["gezondheid"], ["wmo2015"])
    assert "sociale-bescherming" in v.en and "zorgverlening" in v.en
    assert "uitdrukkelijke-toestemming" in v.en  # the "*" rule
    [v] = check_grant_lawful(policy, "humanitas", ["gezondheid"], ["toestemming"])
    assert "zorgverlening" not in v.en and "uitdrukkelijke-toestemming" in v.en


def test_no_rule_lists_the_bases_that_would_work(policy):
    """A category without a covering rule lists the art. 6 bases that would cover it."""
    [v] = check_grant_lawful(policy, "inkomen", ["contact"], ["wmo2015"])
    assert "participatiewet" in v.en
    assert "toestemming" not in v.en.split("Possible:")[1]  # not for a public-task body
    assert "zorgverlening" not in v.en  # an art. 9 exception is no art. 6 basis


def test_unknown_names_list_the_known_ones(policy):
    """Unknown organisations, categories and bases are refused with the valid choices."""
    [v] = check_grant_lawful(policy, "kredietbank", ["contact"], ["toestemming"])
    assert "humanitas" in v.nl and "kredietbank" in v.nl
    [v] = check_grant_lawful(policy, "humanitas", ["financien"], ["toestemming"])
    assert "schulden" in v.en
    [v] = check_grant_lawful(policy, "humanitas", ["contact"], ["ja"])
    assert "wgs" in v.en


# -- the grant's period -------------------------------------------------------------


def test_end_before_or_at_start_is_refused(policy):
    """A grant that ends before or when it starts is refused as in the past."""
    for until in (NOW - dt.timedelta(days=1), NOW, NOW - dt.timedelta(seconds=1)):
        assert [v.rule for v in check_grant_period(policy, NOW, until)] == ["end-in-past"]


def test_exactly_the_maximum_is_allowed(policy):
    """A grant of exactly consent.max_days (365) days is allowed."""
    assert check_grant_period(policy, NOW, NOW + dt.timedelta(days=365)) == []


def test_until_the_end_of_the_last_day_is_allowed(policy):
    """A grant may run to the end of the last allowed day, as tot=<date> gives."""
    last_day = (NOW + dt.timedelta(days=365)).date()
    end_of_day = dt.datetime.combine(last_day, dt.time(23, 59, 59), dt.UTC)
    assert check_grant_period(policy, NOW, end_of_day) == []
    midnight_after = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), dt.UTC)
    assert check_grant_period(policy, NOW, midnight_after) == []


def test_beyond_the_maximum_is_refused_with_the_limit(policy):
    """A grant running into the day after the last allowed day is refused, naming that day."""
    last_day = (NOW + dt.timedelta(days=365)).date()
    for until in (
        NOW + dt.timedelta(days=366),
        NOW + dt.timedelta(days=365, hours=15),  # 00:30 on the day after the last day
        dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0, 1), dt.UTC),
        NOW + dt.timedelta(days=3650),
    ):
        violations = check_grant_period(policy, NOW, until)
        assert [v.rule for v in violations] == ["too-long"], until
        assert last_day.isoformat() in violations[0].nl
        assert "365" in violations[0].en


def test_short_grants_are_allowed(policy):
    """A grant of one day or of the default duration is allowed."""
    assert check_grant_period(policy, NOW, NOW + dt.timedelta(days=1)) == []
    assert check_grant_period(policy, NOW, NOW + dt.timedelta(days=180)) == []


def test_period_limit_in_another_timezone(policy):
    """The limit holds for times given in another timezone than UTC."""
    cet = dt.timezone(dt.timedelta(hours=2))
    start = NOW.astimezone(cet)
    assert check_grant_period(policy, start, start + dt.timedelta(days=365)) == []
    assert [v.rule for v in check_grant_period(policy, start, start + dt.timedelta(days=367))
            ] == ["too-long"]
