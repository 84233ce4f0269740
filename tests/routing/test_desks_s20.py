"""desk (session 20): the desks for dangers only are declared in the safety file.

A desk for dangers only (a safety service that takes no ordinary question) holds back
its every example question on a question that does not open it (session 15). Which
services are desks was read from the share of their example questions that are dangers
(at least 0.75); that share moved each time held-out sets were retired into example
files (GGD Vangnet crossed it in session 19 and held back its ordinary examples too).
Now the safety file's ``desks`` names them, one function reads it
(:func:`busbaan.routing.router.danger_desks`) and ``socialmap check`` refuses a wrong
entry. See docs/notes/2026-12-18s20-desk.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from routing_testdata import BENCHMARK_MAP

from busbaan.cli import main
from busbaan.routing import Router
from busbaan.routing.expansion import ExampleSet
from busbaan.routing.learning import safety_services
from busbaan.routing.router import danger_desks
from busbaan.routing.safety import SafetyFileError, SafetySignals, default_path, parse_signals


def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    return data


def test_every_declared_desk_is_a_service_a_family_sends_to(signals: SafetySignals) -> None:
    """The shipped desks are safety services (a signal can open them), and the services
    that take ordinary questions too are not among them."""
    assert signals.desks
    assert signals.desks <= safety_services(signals.families)
    for ordinary_too in (
        "ggd-vangnet",
        "ggz-specialistisch",
        "politie-wijkagent",
        "mo-jongeren-toegang",
    ):
        assert ordinary_too not in signals.desks


def test_the_desks_are_the_declared_ones_on_the_map(signals: SafetySignals) -> None:
    """``danger_desks`` gives the declared desks the map has, whatever the map's other
    services, and nothing that is not declared."""
    assert danger_desks(signals, ["vt-advies-melding", "ggd-vangnet", "wmo-loket"]) == {
        "vt-advies-melding"
    }
    assert danger_desks(signals, ["ggd-vangnet", "ggz-specialistisch"]) == frozenset()


def test_a_router_without_examples_knows_its_desks(
    benchmark_map: Any, signals: SafetySignals
) -> None:
    """A desk does not depend on the example questions: a router built with none has
    the same desks as the shipped one (under the old share rule it had none)."""
    bare = Router(benchmark_map, safety=signals, examples=ExampleSet())
    assert bare.desks == {"vt-advies-melding", "shv-crisisinterventie", "mo-centrale-toegang"}


def test_without_desks_no_service_is_one() -> None:
    """A safety file without ``desks`` (one written before session 20) parses; no
    service is a desk then (every safety service holds back only its danger examples)."""
    data = _shipped()
    del data["desks"]
    parsed = parse_signals(data, "x.yaml")
    assert parsed.desks == frozenset()
    assert danger_desks(parsed, ["vt-advies-melding"]) == frozenset()


@pytest.mark.parametrize(
    ("desks", "nl", "en"),
    [
        (
            ["vt-advies-melding", "ggd-vangnett"],
            "'ggd-vangnett' staat bij geen enkele familie onder 'services'",
            "'ggd-vangnett' is in no family's 'services'",
        ),
        (
            ["vt-advies-melding", "vt-advies-melding"],
            "'vt-advies-melding' komt twee keer voor",
            "'vt-advies-melding' appears twice",
        ),
        (
            ["vt-advies-melding", " "],
            "een dienst-id mag niet leeg zijn",
            "a service id must not be empty",
        ),
        ("vt-advies-melding", "desks: moet een lijst zijn", "desks: Input should be a valid tuple"),
    ],
)
def test_socialmap_check_refuses_a_wrong_desk_in_dutch_and_english(
    tmp_path: Path, desks: object, nl: str, en: str
) -> None:
    """`socialmap check --safety` exits 1 on a desk no family sends to (a typo), one
    named twice, an empty one or a desk list that is no list, and says why in Dutch,
    or in English when asked."""
    data = _shipped()
    data["desks"] = desks
    broken = tmp_path / "safety.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    args = ["socialmap", "check", str(BENCHMARK_MAP), "--safety", str(broken)]
    dutch = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "nl"})
    assert dutch.exit_code == 1
    assert nl in dutch.output
    english = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "en"})
    assert english.exit_code == 1
    assert en in english.output
    with pytest.raises(SafetyFileError):
        parse_signals(data, "x.yaml")


def test_a_desk_of_another_map_is_no_problem(tmp_path: Path) -> None:
    """A desk not on this map is fine (the file serves several maps, as ``services``
    does): the shipped file, with the demo map's desks, checks clean on the benchmark
    map."""
    out = CliRunner().invoke(
        main, ["socialmap", "check", str(BENCHMARK_MAP)], env={"BUSBAAN_LANG": "nl"}
    )
    assert out.exit_code == 0, out.output
    assert "desks" not in out.output
