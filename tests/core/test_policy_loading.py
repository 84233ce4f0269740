"""Loading ``policies/``: the shipped files load; every problem in a broken copy is
reported at once, naming the file, the rule and the field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from busbaan.policy import PolicyError, Problem, load_policy, parse_policy
from busbaan.policy.loader import FILES
from tests.core.conftest import POLICY_DIR


def edit(directory: Path, name: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``directory/name`` by ``new``."""
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(directory: Path) -> list[Problem]:
    with pytest.raises(PolicyError) as caught:
        load_policy(directory)
    return caught.value.problems


def matching(problems: list[Problem], file: str, rule: str, field: str) -> list[Problem]:
    return [p for p in problems
            if p.file.endswith(file) and p.rule == rule and p.field == field]


def texts() -> dict[str, str]:
    return {name: (POLICY_DIR / name).read_text(encoding="utf-8") for name in FILES}


# -- the shipped policy ---------------------------------------------------------------


def test_shipped_policies_load(policy):
    """The policies shipped in policies/ load without problems into the expected ids."""
    assert {o.id for o in policy.organisations} == {
        "inkomen", "schuldhulp", "wmo", "buurtteam", "ggd", "huisartsen", "humanitas", "fg",
        # session 7 (lanes8): the make-dev map's other intake teams
        "veilig-thuis", "okt", "welzijn", "bibliotheek", "voedselbank", "leerplicht",
        "belastingen"}
    assert policy.category("gezondheid").special == "art9"
    assert policy.category("justitie").special == "art10"
    assert policy.legal_basis("zorgverlening").is_art9
    assert policy.legal_basis("toestemming").kind == "consent"
    assert {t.id for t in policy.templates} == {
        "schulden-en-inkomen", "thuisadministratie", "zorg-en-ondersteuning"}
    assert policy.limits.consent_max_days == 365
    assert len(policy.version) == 16 and int(policy.version, 16) >= 0


def test_shipped_policy_objects_are_frozen(policy):
    """The loaded policy cannot be changed after loading."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.version = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.organisations[0].public_task = False  # type: ignore[misc]


def test_version_follows_the_file_contents():
    """The policy version is the same for the same texts and changes with any edit."""
    base = texts()
    changed = dict(base)
    changed["limits.yaml"] = base["limits.yaml"].replace("max_days: 365", "max_days: 364")
    assert parse_policy(base).version == parse_policy(dict(base)).version
    assert parse_policy(changed).version != parse_policy(base).version


def test_lookups_and_server_mapping(policy):
    """Lookups by id work, unknown ids give None, and a server maps to its one organisation."""
    assert policy.organisation("ggd").name.startswith("GGD")
    assert policy.organisation("wpi") is None
    assert policy.template("thuisadministratie").duration_days == 90
    assert policy.organisation_for_server("wmo.busbaan.example").id == "wmo"
    assert policy.organisation_for_server("elders.example") is None
    assert policy.privacy_officer_roles() == frozenset({("fg", "privacy-officer")})


def test_a_server_run_by_two_organisations_maps_to_none(policy_copy):
    """A homeserver listed by two organisations names neither of them."""
    edit(policy_copy, "organisations.yaml", "homeservers: [wmo.busbaan.example]",
         "homeservers: [wmo.busbaan.example, inkomen.busbaan.example]")
    policy = load_policy(policy_copy)
    assert policy.organisation_for_server("inkomen.busbaan.example") is None
    assert policy.organisation_for_server("wmo.busbaan.example").id == "wmo"


def test_contacts_for_citizens(policy, policy_copy):
    """An organisation's contact and the privacy officer's (on the privacy officer role)
    are read from organisations.yaml; none is None (citizen19, outside18 F7)."""
    assert policy.organisation("buurtteam").contact == "020 555 0100, info@buurtteam.example.nl"
    assert policy.organisation("inkomen").contact is None
    assert policy.privacy_contact() == "020 555 0199, privacy@gemeente.example.nl"
    edit(policy_copy, "organisations.yaml",
         "        contact: 020 555 0199, privacy@gemeente.example.nl\n", "")
    assert load_policy(policy_copy).privacy_contact() is None


@pytest.mark.parametrize("value", [
    "'bel ons maar'", "'020 555'", "''", "[020 555 0100]", "'020 555 0100, " + "x" * 110 + "'",
    "\"020 555 0100\\nof langskomen\""])
def test_a_contact_without_a_way_to_reach_anyone_is_refused(policy_copy, value):
    """A contact must hold a phone number, e-mail or https address, on one line of at
    most 120 characters: anything else is named with its field."""
    edit(policy_copy, "organisations.yaml", "contact: 020 555 0100, info@buurtteam.example.nl",
         f"contact: {value}")
    found = matching(problems_of(policy_copy), "organisations.yaml",
                     "organisatie 'buurtteam'", "contact")
    assert len(found) == 1 and "phone number, e-mail address or https address" in found[0].en


@pytest.mark.parametrize("value", ["14 020", "+31 (0)20 555 0100", "0800-1234",
                                   "https://www.example.nl/contact", "balie@example.nl"])
def test_the_ways_a_contact_may_take(policy_copy, value):
    """A municipal 14 0xx number, an international number, a free number, a web address
    or an e-mail address alone each make a contact."""
    edit(policy_copy, "organisations.yaml", "contact: 020 555 0100, info@buurtteam.example.nl",
         f"contact: {value}")
    assert load_policy(policy_copy).organisation("buurtteam").contact == value


def test_only_one_privacy_officer_role_has_a_contact(policy_copy):
    """A contact on an ordinary role is refused (it belongs on the organisation); a
    second privacy officer contact is refused (the citizen page names one)."""
    edit(policy_copy, "organisations.yaml", "{id: coordinator, name: Coördinator}",
         "{id: coordinator, name: Coördinator, contact: 020 555 0123}")
    edit(policy_copy, "organisations.yaml", "{id: arts, name: Arts, break_glass: true}",
         "{id: arts, name: Arts, privacy_officer: true, contact: privacy@ggd.example.nl}")
    problems = problems_of(policy_copy)
    ordinary = matching(problems, "organisations.yaml",
                        "organisatie 'humanitas': rol 'coordinator'", "contact")
    assert len(ordinary) == 1 and "put the contact on the organisation" in ordinary[0].en
    second = matching(problems, "organisations.yaml", "organisatie 'fg': rol 'privacy-officer'",
                      "contact")
    assert len(second) == 1
    assert "organisation 'ggd': role 'arts' already has a contact" in second[0].en
    assert "organisatie 'ggd': rol 'arts' heeft al een contact" in second[0].nl


# -- one broken thing at a time ---------------------------------------------------------


def test_unknown_role_in_template(policy_copy):
    """A template that names a role its organisation lacks is reported with file, rule and field."""
    edit(policy_copy, "templates.yaml",
         "legal_bases: [participatiewet]}",
         "legal_bases: [participatiewet], roles: [klantmanger]}")
    problems = problems_of(policy_copy)
    found = matching(problems, "templates.yaml", "sjabloon 'schulden-en-inkomen': grants[1]",
                     "roles")
    assert len(found) == 1
    assert "klantmanger" in found[0].nl and "klantmanager" in found[0].nl


def test_unknown_category_in_rule(policy_copy):
    """A lawful rule with an unknown category is reported and lists the known ones."""
    edit(policy_copy, "lawful.yaml", "categories: [contact, inkomen, schulden, wonen, gezin, werk]",
         "categories: [contact, inkomsten, schulden, wonen, gezin, werk]")
    found = matching(problems_of(policy_copy), "lawful.yaml", "regel 'wgs'", "categories")
    assert len(found) == 1
    assert "'inkomsten'" in found[0].en and "known:" in found[0].en and "schulden" in found[0].en


@pytest.mark.parametrize(
    ("name", "old", "new", "rule"),
    [
        ("organisations.yaml", "  - id: schuldhulp\n", "  - id: inkomen\n",
         "organisatie 'inkomen'"),
        ("categories.yaml", "{id: werk,", "{id: wonen,", "categorie 'wonen'"),
        ("legal_bases.yaml", "{id: jeugdwet,", "{id: wgs,", "grondslag 'wgs'"),
        ("lawful.yaml", "  - id: wmo\n", "  - id: wgs\n", "regel 'wgs'"),
        ("templates.yaml", "  - id: thuisadministratie\n", "  - id: schulden-en-inkomen\n",
         "sjabloon 'schulden-en-inkomen'"),
        ("organisations.yaml", "{id: consulent,", "{id: klantmanager,",
         "organisatie 'inkomen': rol 'klantmanager'"),
    ],
)
def test_duplicate_ids(policy_copy, name, old, new, rule):
    """An id used twice (organisation, category, basis, rule, template, role) is reported."""
    edit(policy_copy, name, old, new)
    found = matching(problems_of(policy_copy), name, rule, "id")
    assert len(found) == 1
    assert found[0].en == "appears twice"


def test_invalid_yaml_names_the_line(policy_copy):
    """A YAML syntax error is reported with its file and line number."""
    edit(policy_copy, "categories.yaml", "  - {id: wonen, name: Wonen en huisvesting}\n",
         "  - {id: wonen, name: Wonen en huisvesting\n")
    problems = problems_of(policy_copy)
    yaml_problems = [p for p in problems if p.file.endswith("categories.yaml")]
    assert len(yaml_problems) == 1, problems  # no follow-up noise from the empty document
    # the parser notices the unclosed "{" of line 9 on line 10, and says both
    assert yaml_problems[0].rule == "regel 10"
    assert "YAML" in yaml_problems[0].en and "started on line 9" in yaml_problems[0].en
    assert yaml_problems[0].render("en").startswith(f"{policy_copy}/categories.yaml: line 10: ")


def test_duplicate_yaml_key_is_an_error(policy_copy):
    """A key written twice in one mapping is reported instead of silently keeping the last."""
    edit(policy_copy, "organisations.yaml", "    public_task: false\n    homeservers: [humanitas",
         "    public_task: false\n    public_task: true\n    homeservers: [humanitas")
    problems = problems_of(policy_copy)
    found = [p for p in problems if p.file.endswith("organisations.yaml")]
    assert len(found) == 1
    assert "duplicate key 'public_task'" in found[0].en
    assert found[0].rule.startswith("regel ")


def test_missing_file(policy_copy):
    """A missing policy file is reported by its path."""
    (policy_copy / "limits.yaml").unlink()
    problems = problems_of(policy_copy)
    assert [p.en for p in problems if p.file == str(policy_copy / "limits.yaml")] == [
        "file is missing"]


def test_missing_directory(tmp_path):
    """A policy directory that does not exist is reported, not raised as OSError."""
    problems = problems_of(tmp_path / "nowhere")
    assert len(problems) == 1 and problems[0].en == "directory does not exist"


def test_file_that_is_not_utf8(policy_copy):
    """A file that is not UTF-8 text is a reported problem, not a crash."""
    (policy_copy / "limits.yaml").write_bytes(b"consent:\n  max_days: 3\xff65\n")
    problems = problems_of(policy_copy)
    assert len(problems) == 1
    assert problems[0].file.endswith("limits.yaml") and "UTF-8" in problems[0].en


@pytest.mark.parametrize(
    ("name", "old", "new", "rule", "field"),
    [
        ("organisations.yaml", "    public_task: false\n    homeservers: [humanitas",
         '    public_task: "yes"\n    homeservers: [humanitas', "organisatie 'humanitas'",
         "public_task"),
        ("organisations.yaml", "{id: arts, name: Arts, break_glass: true}",
         "{id: arts, name: Arts, break_glass: 1}", "organisatie 'ggd': rol 'arts'", "break_glass"),
        ("organisations.yaml", "homeservers: [ggd.busbaan.example]",
         "homeservers: [GGD Amsterdam]", "organisatie 'ggd'", "homeservers"),
        ("organisations.yaml", "homeservers: [ggd.busbaan.example]",
         'homeservers: "ggd.busbaan.example"', "organisatie 'ggd'", "homeservers"),
        ("organisations.yaml", "  - id: wmo\n", "  - id: Wmo Loket\n", "organisations[2]", "id"),
        ("organisations.yaml", "Bemoeizorg\n    kind: zorg\n    public_task: true",
         "Bemoeizorg\n    kind: zorg\n    default_role: [arts]\n    public_task: true",
         "organisatie 'ggd'", "default_role"),
        ("organisations.yaml", "Bemoeizorg\n    kind: zorg\n    public_task: true",
         "Bemoeizorg\n    kind: zorg\n    default_role: chirurg\n    public_task: true",
         "organisatie 'ggd'", "default_role"),
        ("categories.yaml", "special: art9}", "special: art11}", "categorie 'gezondheid'",
         "special"),
        ("legal_bases.yaml", "kind: consent,", "kind: toestemming,", "grondslag 'toestemming'",
         "kind"),
        ("legal_bases.yaml", 'article: "AVG art. 9(2)(h)"', 'article: "AVG art. 6(1)(e)"',
         "grondslag 'zorgverlening'", "article"),
        ("legal_bases.yaml", "law: Jeugdwet,", "law: [Jeugdwet],", "grondslag 'jeugdwet'", "law"),
        ("lawful.yaml", "    legal_basis: wgs\n", "    legal_basis: [wgs]\n", "regel 'wgs'",
         "legal_basis"),
        ("lawful.yaml", "organisations: [schuldhulp, buurtteam]",
         "organisations: [[schuldhulp], buurtteam]", "regel 'wgs'", "organisations"),
        ("lawful.yaml", "organisations: [ggd]\n", "organisations: []\n", "regel 'wpg-bemoeizorg'",
         "organisations"),
        ("templates.yaml", "duration_days: 90", "duration_days: -1",
         "sjabloon 'thuisadministratie'", "duration_days"),
        ("templates.yaml", "duration_days: 90", "duration_days: 90.5",
         "sjabloon 'thuisadministratie'", "duration_days"),
        ("templates.yaml", "duration_days: 90", "duration_days: true",
         "sjabloon 'thuisadministratie'", "duration_days"),
        ("templates.yaml", "{organisation: humanitas,", "{organisation: Humanitas,",
         "sjabloon 'thuisadministratie': grants[0]", "organisation"),
        ("limits.yaml", "max_days: 365", "max_days: veel", "consent", "max_days"),
        ("limits.yaml", "audit_log_years: 5", "audit_log_years: 4", "retention",
         "audit_log_years"),
        ("limits.yaml", "default_days: 180", "default_days: 400", "consent", "default_days"),
    ],
)
def test_bad_values_are_reported_with_rule_and_field(policy_copy, name, old, new, rule, field):
    """A value of the wrong type or out of range is reported with its file, rule and field."""
    edit(policy_copy, name, old, new)
    problems = problems_of(policy_copy)
    assert matching(problems, name, rule, field), [p.render("en") for p in problems]


def test_art10_category_in_a_rule(policy_copy):
    """A lawful rule may not cover an art. 10 (criminal-law) category."""
    edit(policy_copy, "lawful.yaml", "categories: [contact, inkomen, schulden, wonen, gezin, werk]",
         "categories: [contact, inkomen, schulden, wonen, gezin, werk, justitie]")
    found = matching(problems_of(policy_copy), "lawful.yaml", "regel 'wgs'", "categories")
    assert len(found) == 1 and "art. 10" in found[0].en and "justitie" in found[0].en


def test_template_longer_than_the_maximum(policy_copy):
    """A template whose duration exceeds consent.max_days is reported with the limit."""
    edit(policy_copy, "templates.yaml", "duration_days: 90", "duration_days: 400")
    found = matching(problems_of(policy_copy), "templates.yaml", "sjabloon 'thuisadministratie'",
                     "duration_days")
    assert len(found) == 1 and "400" in found[0].en and "365" in found[0].en


def test_unlawful_template_consent_for_public_task(policy_copy):
    """A template giving a public-task organisation a grant on consent is refused at load time."""
    edit(policy_copy, "templates.yaml",
         "{organisation: inkomen, categories: [contact, inkomen, schulden], "
         "legal_bases: [participatiewet]}",
         "{organisation: inkomen, categories: [contact, inkomen, schulden], "
         "legal_bases: [toestemming]}")
    problems = problems_of(policy_copy)
    found = matching(problems, "templates.yaml", "sjabloon 'schulden-en-inkomen': grants[1]", "")
    assert len(found) == 1, problems
    assert "publieke taak" in found[0].nl and "participatiewet" in found[0].nl


def test_unlawful_template_special_category_without_art9(policy_copy):
    """A template sharing health data without an art. 9(2) exception is refused at load time."""
    edit(policy_copy, "templates.yaml", "legal_bases: [wmo2015, zorgverlening]",
         "legal_bases: [wmo2015]")
    found = matching(problems_of(policy_copy), "templates.yaml",
                     "sjabloon 'zorg-en-ondersteuning': grants[0]", "")
    assert len(found) == 1 and "art. 9" in found[0].en


def test_unknown_basis_in_rule_still_checks_the_rest_of_the_rule(policy_copy):
    """A rule with an unknown legal basis also reports its unknown organisations and categories."""
    edit(policy_copy, "lawful.yaml",
         "    legal_basis: wgs\n    organisations: [schuldhulp, buurtteam]\n"
         "    categories: [contact, inkomen, schulden, wonen, gezin, werk]",
         "    legal_basis: wgss\n    organisations: [schuldhulp, kredietbank]\n"
         "    categories: [contact, inkomsten]")
    problems = problems_of(policy_copy)
    assert matching(problems, "lawful.yaml", "regel 'wgs'", "legal_basis")
    assert matching(problems, "lawful.yaml", "regel 'wgs'", "organisations")
    assert matching(problems, "lawful.yaml", "regel 'wgs'", "categories")


def test_file_that_is_not_a_mapping(policy_copy):
    """A policy file holding a list instead of a mapping is reported, not raised."""
    (policy_copy / "categories.yaml").write_text("- contact\n- inkomen\n", encoding="utf-8")
    problems = problems_of(policy_copy)
    assert [p.en for p in problems if p.file.endswith("categories.yaml")] == [
        "the file must hold a mapping"]


# -- everything at once -------------------------------------------------------------


def test_every_problem_is_reported_at_once(policy_copy):
    """Problems in several files and rules are all reported together, not just the first."""
    edit(policy_copy, "templates.yaml",
         "legal_bases: [participatiewet]}", "legal_bases: [participatiewet], roles: [klantmanger]}")
    edit(policy_copy, "lawful.yaml", "categories: [contact, inkomen, schulden, wonen, gezin, werk]",
         "categories: [contact, inkomsten, schulden, wonen, gezin, werk, justitie]")
    edit(policy_copy, "categories.yaml", "{id: werk,", "{id: wonen,")
    edit(policy_copy, "organisations.yaml", "    public_task: false\n    homeservers: [humanitas",
         '    public_task: "yes"\n    homeservers: [humanitas')
    edit(policy_copy, "templates.yaml", "duration_days: 90", "duration_days: 400")
    edit(policy_copy, "templates.yaml",
         "{organisation: schuldhulp, categories: [contact, inkomen, schulden], legal_bases: [wgs]}",
         "{organisation: schuldhulp, categories: [contact, inkomen, schulden], "
         "legal_bases: [toestemming]}")
    (policy_copy / "limits.yaml").unlink()
    edit(policy_copy, "legal_bases.yaml", "name: Wet publieke gezondheid (bemoeizorg)",
         "name: [1, 2]")
    problems = problems_of(policy_copy)
    rendered = [p.render("en") for p in problems]
    expected = [
        ("templates.yaml", "sjabloon 'schulden-en-inkomen': grants[1]", "roles"),
        ("lawful.yaml", "regel 'wgs'", "categories"),
        ("categories.yaml", "categorie 'wonen'", "id"),
        ("organisations.yaml", "organisatie 'humanitas'", "public_task"),
        ("templates.yaml", "sjabloon 'thuisadministratie'", "duration_days"),
        ("templates.yaml", "sjabloon 'schulden-en-inkomen': grants[0]", ""),
        ("limits.yaml", "", ""),
        ("legal_bases.yaml", "grondslag 'wpg'", "name"),
    ]
    for file, rule, field in expected:
        assert matching(problems, file, rule, field), (file, rule, field, rendered)
    # the unknown category and the art. 10 category in the same rule: both reported
    wgs_cats = matching(problems, "lawful.yaml", "regel 'wgs'", "categories")
    assert any("inkomsten" in p.en for p in wgs_cats) and any("art. 10" in p.en for p in wgs_cats)
    # the lawfulness judgement was made despite the other problems
    assert any("public task" in p.en for p in problems)


def test_an_unlawful_template_is_not_judged_on_a_broken_organisation(policy_copy):
    """A template grant for an organisation with a problem is not also called unlawful."""
    # public_task: "yes" falls back to true; judging humanitas' consent template on that
    # fallback would invent a consent-not-substitute problem.
    edit(policy_copy, "organisations.yaml", "    public_task: false\n    homeservers: [humanitas",
         '    public_task: "yes"\n    homeservers: [humanitas')
    problems = problems_of(policy_copy)
    assert len(problems) == 1 and problems[0].field == "public_task"


# -- how problems read --------------------------------------------------------------


def test_problem_renders_file_rule_and_field_in_both_languages():
    """A problem reads as file: rule: field: message, in Dutch or in English."""
    p = Problem("organisations.yaml", "organisatie 'wpi': rol 'klantmanger'", "name",
                "ontbreekt of is leeg", "missing or empty")
    assert p.render("nl") == (
        "organisations.yaml: organisatie 'wpi': rol 'klantmanger': veld 'name': "
        "ontbreekt of is leeg")
    assert p.render("en") == (
        "organisations.yaml: organisation 'wpi': role 'klantmanger': field 'name': "
        "missing or empty")
    assert Problem("x.yaml", "regel 7", "", "geen geldige YAML", "not valid YAML").render(
        "en") == "x.yaml: line 7: not valid YAML"
    assert Problem("x.yaml", "", "", "bestand ontbreekt", "file is missing").render(
        "nl") == "x.yaml: bestand ontbreekt"


def test_policy_error_carries_every_problem_and_an_errcode(policy_copy):
    """PolicyError lists every problem in its message and has a stable errcode."""
    edit(policy_copy, "templates.yaml", "duration_days: 90", "duration_days: 400")
    edit(policy_copy, "limits.yaml", "audit_log_years: 5", "audit_log_years: 4")
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_copy)
    err = caught.value
    assert err.errcode == "BB_POLICY_INVALID"
    assert len(err.problems) == 2
    for p in err.problems:
        assert p.render("nl") in err.message("nl")
        assert p.render("en") in err.message("en")


def test_unknown_field_is_reported_with_its_name(tmp_path: Path) -> None:
    """A field the format does not know (a typo, or YAML splitting an unquoted comma)
    is reported with file, rule and field name."""
    import shutil

    for f in POLICY_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    text = (tmp_path / "legal_bases.yaml").read_text()
    (tmp_path / "legal_bases.yaml").write_text(text.replace(
        'name: "Participatiewet (bijstand, re-integratie)"',
        "name: Participatiewet (bijstand, re-integratie)"))
    with pytest.raises(PolicyError) as err:
        load_policy(tmp_path)
    rendered = [p.render("en") for p in err.value.problems]
    assert any("grondslag 'participatiewet'" in r or "legal basis 'participatiewet'" in r
               for r in rendered), rendered
    assert any("re-integratie)" in r and "unknown field" in r for r in rendered), rendered
