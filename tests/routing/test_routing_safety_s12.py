"""A plain cause said with "van"/"door", and a minor put out by the parents (issue 8,
session 8, third round, safety12; outside9 finding 6b and safety11's open point, safety
file 2026-12-05.10).

- "blauwe plekken van het voetballen": the asker names the cause (ANS: "van"/"door" name
  a cause); child_maltreatment's ``unless`` held "bij het voetballen" only, so this was a
  strong alarm.
- A child put out of the house is neglect (Meldcode, verstoting; BW 1:247): for a person
  under 18 child_maltreatment's ``minors_all_of`` rule (parent + put out + a person)
  fires beside homeless_tonight; for an adult it does not. Where both fire, the place
  to sleep tonight leads (its minors' sentence and service first)."""

from __future__ import annotations

from typing import Any

import pytest

from busbaan.routing import Router
from busbaan.routing.safety import detect, plain_cause


def families(signals: Any, text: str, age: int | None = None) -> dict[str, bool]:
    """Family id -> True for a strong signal, False for a weak one."""
    return {s.family.id: not s.weak for s in detect(signals, text, age)}


# ------------------------------------------------ a plain cause with "van" / "door"


@pytest.mark.parametrize("text", [
    "kinderen van 6 en 8 hebben blauwe plekken van het voetballen, moeder zoekt een "
    "sportclub die ze kan betalen",
    "mijn zoon van 9 zit onder de blauwe plekken door het voetballen",
    "dochter (7) heeft blauwe plekken op haar benen van het buitenspelen",
    "my son (10) has bruises from football, can he get a discount on the club?",
])
def test_bruises_the_asker_explains_by_play_or_sport_are_no_signal(
        signals: Any, text: str) -> None:
    assert "child_maltreatment" not in families(signals, text)


@pytest.mark.parametrize("text", [
    "zoon van 8 heeft blauwe plekken, vader slaat hem",
    # a cause in reported speech is the child's account, not the asker's
    "zoon van 8 heeft blauwe plekken, hij zegt dat het van het voetballen is",
])
def test_bruises_without_a_plain_cause_of_the_asker_still_signal(
        signals: Any, text: str) -> None:
    assert families(signals, text).get("child_maltreatment") is True


# ------------------------------------------- a minor put out of the house by the parents


@pytest.mark.parametrize(("text", "age"), [
    ("ik ben 15 en mn moeder heeft me eruit gegooid", 15),
    ("meisje van 17, ouders hebben haar de deur uit gezet, slaapt vannacht op straat", 17),
    ("Boy, 16, was kicked out by his parents this morning", 16),
    ("my parents kicked me out, I'm 16 and have nowhere to go", 16),
    ("mijn vader heeft me gisteren op straat gezet", 16),
])
def test_a_minor_put_out_by_the_parents_is_neglect(
        signals: Any, text: str, age: int) -> None:
    assert families(signals, text, age).get("child_maltreatment") is True


@pytest.mark.parametrize(("text", "age"), [
    ("Young man, 24, was kicked out by his parents this morning and has nowhere to sleep "
     "tonight", 24),
    ("mijn vader heeft me eruit gegooid, ik weet niet waar ik vannacht moet slapen", 45),
    ("Her son is 30 and his parents kicked him out, he has nowhere to sleep tonight", 30),
    # the object is no person
    ("mijn moeder heeft de kat eruit gezet", 15),
])
def test_an_adult_or_a_cat_put_out_is_no_child_maltreatment(
        signals: Any, text: str, age: int) -> None:
    assert "child_maltreatment" not in families(signals, text, age)


def test_tonight_leads_when_a_minor_is_put_out_and_has_no_bed(demo_router: Router) -> None:
    answer = demo_router.route("meisje van 17, ouders hebben haar de deur uit gezet, slaapt "
                               "vannacht op straat")
    assert [h.signal for h in answer.safety] == ["homeless_tonight", "child_maltreatment"]
    first = answer.results[0]
    assert first.service_id == "veilig-thuis"
    assert "opvang voor volwassenen" in first.why


def test_a_minor_put_out_without_tonight_gets_veilig_thuis_first(demo_router: Router) -> None:
    answer = demo_router.route("ik ben 15 en mn moeder heeft me eruit gegooid")
    assert "child_maltreatment" in [h.signal for h in answer.safety]
    assert answer.results[0].service_id == "veilig-thuis"


# ------------------------------------------------------- plain_cause, for the ranker


@pytest.mark.parametrize(("text", "plain"), [
    ("kinderen van 6 en 8 hebben blauwe knieën van het voetballen, moeder zoekt een "
     "sportclub die ze kan betalen met weinig inkomen", True),
    ("oma heeft blauwe plekken van het struikelen", True),
    ("zoon van 8 heeft blauwe plekken, hij zegt dat het van het voetballen is", False),
    ("zoon van 8 heeft blauwe plekken", False),
])
def test_plain_cause_says_whether_the_asker_explains_an_injury(
        signals: Any, text: str, plain: bool) -> None:
    assert plain_cause(signals, text) is plain
