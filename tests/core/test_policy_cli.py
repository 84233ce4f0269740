"""``busbaan policy check [DIR]`` and ``busbaan policy show [DIR] --json``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from busbaan.cli import main
from tests.core.conftest import POLICY_DIR


def invoke(*args: str, lang: str = "nl"):
    return CliRunner().invoke(main, list(args), env={"BUSBAAN_LANG": lang})


def break_policy(directory):
    (directory / "templates.yaml").write_text(
        (directory / "templates.yaml").read_text(encoding="utf-8")
        .replace("duration_days: 90", "duration_days: 400"), encoding="utf-8")
    (directory / "lawful.yaml").write_text(
        (directory / "lawful.yaml").read_text(encoding="utf-8")
        .replace("organisations: [ggd]", "organisations: [gdd]"), encoding="utf-8")


def test_check_valid_policy(policy):
    """check on the shipped policy exits 0 and prints an OK line with the version."""
    result = invoke("policy", "check", str(POLICY_DIR))
    assert result.exit_code == 0, result.output
    assert "in orde" in result.stdout and policy.version in result.stdout


def test_check_defaults_to_policies_in_the_working_directory(policy, policy_copy, monkeypatch):
    """Without DIR, check reads ./policies."""
    monkeypatch.chdir(policy_copy.parent)
    result = invoke("policy", "check", lang="en")
    assert result.exit_code == 0, result.output
    assert "is valid" in result.stdout and policy.version in result.stdout


def test_check_reports_every_problem_in_dutch(policy_copy):
    """check prints every problem on its own line, in Dutch, and exits 1."""
    break_policy(policy_copy)
    result = invoke("policy", "check", str(policy_copy))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{policy_copy}/lawful.yaml: regel 'wpg-bemoeizorg': "
                               "veld 'organisations': onbekende organisatie 'gdd'")
    assert lines[1] == (f"{policy_copy}/templates.yaml: sjabloon 'thuisadministratie': "
                        "veld 'duration_days': 400 dagen is langer dan het maximum van 365")
    assert lines[2] == f"busbaan: 2 problemen in {policy_copy}"
    assert result.stdout == ""


def test_check_reports_in_english(policy_copy):
    """With BUSBAAN_LANG=en, check prints the problems in English."""
    break_policy(policy_copy)
    result = invoke("policy", "check", str(policy_copy), lang="en")
    assert result.exit_code == 1
    assert (f"{policy_copy}/templates.yaml: template 'thuisadministratie': "
            "field 'duration_days': 400 days exceeds the maximum of 365") in result.stderr
    assert "rule 'wpg-bemoeizorg'" in result.stderr


def test_check_missing_directory(tmp_path):
    """check on a directory that does not exist reports it and exits 1."""
    result = invoke("policy", "check", str(tmp_path / "nope"), lang="en")
    assert result.exit_code == 1
    assert "directory does not exist" in result.stderr


def test_show_json_lists_everything_with_ids(policy):
    """show --json prints organisations with roles, categories, bases, rules, templates, limits."""
    result = invoke("policy", "show", str(POLICY_DIR), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == policy.version
    orgs = {o["id"]: o for o in data["organisations"]}
    assert orgs.keys() == {o.id for o in policy.organisations}
    assert orgs["huisartsen"]["public_task"] is False
    assert {r["id"] for r in orgs["inkomen"]["roles"]} == {"klantmanager", "consulent",
                                                           "teamleider"}
    assert orgs["fg"]["roles"][0]["privacy_officer"] is True
    assert {c["id"]: c["special"] for c in data["categories"]}["gezondheid"] == "art9"
    bases = {b["id"]: b for b in data["legal_bases"]}
    assert bases["wgs"]["kind"] == "public_task" and bases["wgs"]["law"] == "Wgs"
    rules = {r["id"]: r for r in data["rules"]}
    assert rules["toestemming"]["organisations"] == ["*"]
    assert rules["wgs"] == {"id": "wgs", "legal_basis": "wgs",
                            "organisations": ["buurtteam", "schuldhulp"],
                            "categories": sorted(["contact", "inkomen", "schulden", "wonen",
                                                  "gezin", "werk"])}
    templates = {t["id"]: t for t in data["templates"]}
    assert templates["thuisadministratie"]["grants"] == [
        {"organisation": "humanitas", "categories": ["contact", "schulden", "inkomen"],
         "legal_bases": ["toestemming"], "roles": []}]
    assert data["limits"]["consent_max_days"] == 365


def test_show_summary_is_readable():
    """show without --json prints a readable summary naming the ids."""
    result = invoke("policy", "show", str(POLICY_DIR))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("Organisaties", "inkomen: Gemeente", "- teamleider: Teamleider (break-glass)",
                 "gezondheid: Gezondheid (lichamelijk en psychisch) (art9)",
                 "Rechtmatige combinaties", "wgs: wgs → buurtteam, schuldhulp",
                 "thuisadministratie", "consent_max_days: 365"):
        assert text in out, text
    assert "Organisations" in invoke("policy", "show", str(POLICY_DIR), lang="en").stdout


def test_show_on_a_broken_policy_reports_and_exits_1(policy_copy):
    """show on an invalid policy prints the problems instead of a policy."""
    break_policy(policy_copy)
    result = invoke("policy", "show", str(policy_copy), "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "duration_days" in result.stderr
