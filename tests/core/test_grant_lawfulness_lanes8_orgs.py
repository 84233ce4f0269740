"""Legal bases for the seven organisations lanes8 added (session 8, privacy9): a grant
to each is decided as the law says — by :func:`check_grant_lawful`, the one place that
holds the rules — allowed on the law (or, without a public task, the consent) its work
rests on and for the data that work needs, refused otherwise; belastingen never."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from busbaan.consent import CaseScope, Grant, Professional, check_grant_lawful, scope_admits
from busbaan.consent.combinations import Combination, lawful_combinations
from tests.core.conftest import NOW

# (organisation, categories, legal bases) -> the violated rule ids, in order
TABLE = [
    # Veilig Thuis: Wmo 2015 art. 4.1.1 / 5.2.6
    ("veilig-thuis", ["contact", "gezin", "wonen", "ondersteuning"], ["wmo2015"], []),
    ("veilig-thuis", ["inkomen", "schulden"], ["wmo2015"], []),  # financial exploitation
    ("veilig-thuis", ["gezondheid"], ["wmo2015", "zorgverlening"], []),
    ("veilig-thuis", ["gezondheid"], ["wmo2015"], ["special-needs-art9"]),
    ("veilig-thuis", ["werk"], ["wmo2015"], ["no-rule"]),
    ("veilig-thuis", ["gezin"], ["jeugdwet"], ["no-rule"]),  # the AMHK is in the Wmo 2015
    ("veilig-thuis", ["gezin"], ["toestemming"], ["consent-not-substitute"]),
    ("veilig-thuis", ["justitie"], ["wmo2015"], ["art10-not-allowed"]),
    # OKT: Jeugdwet
    ("okt", ["contact", "gezin", "wonen", "ondersteuning", "onderwijs"], ["jeugdwet"], []),
    ("okt", ["gezondheid"], ["jeugdwet", "zorgverlening"], []),
    ("okt", ["schulden"], ["jeugdwet"], ["no-rule"]),
    ("okt", ["gezin"], ["wmo2015"], ["no-rule"]),
    ("okt", ["gezin"], ["jeugdwet", "toestemming"], ["consent-not-substitute"]),
    # Leerplicht: Leerplichtwet 1969
    ("leerplicht", ["contact", "gezin", "onderwijs"], ["leerplichtwet"], []),
    ("leerplicht", ["inkomen"], ["leerplichtwet"], ["no-rule"]),
    ("leerplicht", ["gezondheid"], ["leerplichtwet", "zorgverlening"],
     ["no-rule", "special-needs-art9"]),
    ("leerplicht", ["onderwijs"], ["toestemming"], ["consent-not-substitute", "no-rule"]),
    ("leerplicht", ["onderwijs"], ["jeugdwet"], ["no-rule"]),
    # no public task: the client's consent, health data only with explicit consent
    ("welzijn", ["contact", "inkomen", "schulden", "wonen"], ["toestemming"], []),
    ("welzijn", ["gezondheid"], ["toestemming", "uitdrukkelijke-toestemming"], []),
    ("welzijn", ["gezondheid"], ["toestemming", "zorgverlening"], ["special-needs-art9"]),
    ("welzijn", ["schulden"], ["wmo2015"], ["no-rule"]),  # no law gives it the data
    ("bibliotheek", ["contact", "werk"], ["toestemming"], []),
    ("bibliotheek", ["gezondheid"], ["toestemming"], ["special-needs-art9"]),
    ("voedselbank", ["contact", "inkomen", "gezin"], ["toestemming"], []),
    ("voedselbank", ["inkomen"], ["participatiewet"], ["no-rule"]),
    ("voedselbank", ["onderwijs"], ["toestemming"], ["no-rule"]),  # only where a task needs it
    # belastingen (kwijtschelding): no basis at all
    ("belastingen", ["inkomen"], ["toestemming"], ["consent-not-substitute"]),
    ("belastingen", ["inkomen", "schulden"], ["wettelijke-plicht"], ["no-rule", "no-rule"]),
    ("belastingen", ["inkomen"], ["wgs"], ["no-rule"]),
    ("belastingen", ["contact"], ["participatiewet"], ["no-rule"]),
]


@pytest.mark.parametrize(("org", "cats", "bases", "expected"), TABLE)
def test_grants_to_the_lanes8_organisations(policy, org, cats, bases, expected):
    """check_grant_lawful gives exactly the expected rule ids; each refusal explains
    itself in Dutch and English."""
    violations = check_grant_lawful(policy, org, cats, bases)
    assert [v.rule for v in violations] == expected
    for v in violations:
        assert v.nl and v.en and v.nl != v.en and "—" not in v.nl


def test_what_each_public_task_organisation_may_receive(policy):
    """The whole table per organisation, derived from the one function: the law its
    task rests on, for the categories that task needs; nothing on consent alone."""
    def art6(org: str) -> dict[tuple[str, ...], tuple[str, ...]]:
        return {c.legal_bases: c.categories for c in lawful_combinations(policy, org)
                if len(c.legal_bases) == 1}

    assert art6("veilig-thuis") == {("wmo2015",): (
        "contact", "inkomen", "schulden", "wonen", "gezin", "ondersteuning")}
    assert art6("okt") == {("jeugdwet",): (
        "contact", "wonen", "gezin", "ondersteuning", "onderwijs")}
    assert art6("leerplicht") == {("leerplichtwet",): ("contact", "gezin", "onderwijs")}
    assert lawful_combinations(policy, "belastingen") == []
    assert Combination("leerplicht", ("leerplichtwet", "zorgverlening"), ("gezondheid",)) \
        not in lawful_combinations(policy, "leerplicht")


def test_organisations_without_a_public_task_rest_on_consent_only(policy):
    """welzijn, bibliotheek and voedselbank: consent (art. 6(1)(a)) and explicit consent
    for health data (art. 9(2)(a)); no law."""
    for org in ("welzijn", "bibliotheek", "voedselbank"):
        bases = {c.legal_bases for c in lawful_combinations(policy, org)}
        assert bases == {("toestemming",), ("toestemming", "uitdrukkelijke-toestemming")}, org


def test_belastingen_is_told_why_nothing_can_be_shared(policy):
    """The refusal for belastingen does not send the regie looking for a law that is not
    there: it says the policy names none, in Dutch and English."""
    [v] = check_grant_lawful(policy, "belastingen", ["inkomen"], ["toestemming"])
    assert "geen wet" in v.nl and "belastingen" in v.nl and "names no law" in v.en
    [v] = check_grant_lawful(policy, "belastingen", ["inkomen"], ["wettelijke-plicht"])
    assert "Geen enkele grondslag" in v.nl and "No basis in the policy" in v.en


def test_every_organisation_has_a_decided_basis(policy):
    """No organisation of the policy is left undecided by accident: each can receive
    something lawfully, except those that on purpose can receive nothing."""
    nothing = {o.id for o in policy.organisations if not lawful_combinations(policy, o.id)}
    assert nothing == {"belastingen", "fg"}


def test_a_lawful_grant_admits_the_organisations_professional(policy):
    """Through the room's decision: a Veilig Thuis worker is admitted on a Wmo 2015
    grant for Veilig Thuis, a Leerplicht officer is not (no grant for leerplicht)."""
    grant = Grant(grant_id="G-vt", organisation="veilig-thuis",
                  categories=("contact", "gezin"), legal_bases=("wmo2015",),
                  valid_from=NOW - dt.timedelta(days=1), valid_until=NOW + dt.timedelta(days=30),
                  given_by="@regie:wmo.busbaan.example")
    assert check_grant_lawful(policy, grant.organisation, grant.categories,
                              grant.legal_bases) == []
    case = CaseScope(case_id="C-1", room_id="!c:wmo.busbaan.example",
                     regie="@regie:wmo.busbaan.example",
                     home_organisation="wmo", grants=(grant,))
    vt = Professional("@vt:veiligthuis.busbaan.example", "veilig-thuis",
                      "medewerker-advies-en-melding")
    lp = Professional("@lp:leerplicht.busbaan.example", "leerplicht", "leerplichtambtenaar")
    admitted = scope_admits(policy, case, vt, NOW, "wmo")
    assert admitted.allowed and admitted.grant_id == "G-vt"
    assert admitted.legal_bases == ("wmo2015",)
    assert not scope_admits(policy, case, lp, NOW, "wmo").allowed


def test_the_policy_check_passes(tmp_path: Path):
    """`busbaan policy check` accepts the shipped policy with the new rules."""
    from click.testing import CliRunner

    from busbaan.cli import main
    from tests.core.conftest import POLICY_DIR

    result = CliRunner().invoke(main, ["policy", "check", str(POLICY_DIR)])
    assert result.exit_code == 0, result.output
    assert "in orde" in result.output or "valid" in result.output
