"""Hostile input at volume (issue 12): every parser of outside input either returns a
frozen value or raises the domain error with a message in Dutch and English — never
another exception. Property tests over the casus bot's argument parsers, the
dispatcher, the wegwijzer's question pipeline, the policy loader, the HSDS loader and
the workbench's filter form.

The example counts follow ``BUSBAAN_HOSTILE_EXAMPLES`` (default small, for CI)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.casus.parse import (
    parse_case_and_reason,
    parse_grant,
    parse_user,
    parse_user_and_reason,
    split_case_id,
)
from busbaan.errors import BusbaanError
from busbaan.matrix.dispatch import Dispatcher, command
from busbaan.policy import Policy, PolicyError, load_policy
from busbaan.policy.loader import parse_policy
from busbaan.routing import Router
from busbaan.routing.hsds import SocialMapError, demo_map_path, parse_map, validate_map
from busbaan.web.workbench.filters import FilterError, parse_filters
from busbaan.wegwijzer.question import parse_question

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("BUSBAAN_HOSTILE_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

#: Text a person (or an attacker) can type: any Unicode, with the characters the
#: parsers split on made likely, and lengths up to far past any sane command.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
_PIECES = st.sampled_from([
    " ", ",", "=", "\n", "@", ":", "!", "#", "C-", "grondslag=", "tot=", "rollen=",
    "basis=", "until=", "schuldhulp", "contact,schulden", "wgs", "2027-03-31",
    "@anouk:localhost", "https://matrix.to/#/@x:y", "stadsdeel=", "leeftijd=", "9" * 5000,
    "\u0663\u0661", "\x00", "\u202e", "111222333", "C-ABCDEFGH",
])
TEXT = st.one_of(
    st.text(_ALPHABET, max_size=300),
    st.lists(st.one_of(_PIECES, st.text(_ALPHABET, max_size=12)), max_size=30).map("".join),
)


def _well_refused(exc: BusbaanError) -> None:
    """A domain error names itself for machines and speaks to people in both languages."""
    assert exc.errcode.startswith("BB_")
    assert exc.message("nl").strip() and exc.message("en").strip()
    assert "Traceback" not in exc.message("nl")


def _frozen(value: object) -> None:
    if dataclasses.is_dataclass(value):
        field = dataclasses.fields(value)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, field, getattr(value, field))


def _either(fn: Callable[[], object], *errors: type[BusbaanError]) -> object:
    try:
        value = fn()
    except errors as exc:
        _well_refused(exc)
        return None
    _frozen(value)
    return value


# -- casus bot: command arguments ------------------------------------------------------


@SETTINGS
@given(TEXT)
def test_grant_arguments_parse_or_explain(text: str) -> None:
    """``!toestemming geef`` arguments become a frozen GrantRequest or a usage error."""
    request = _either(lambda: parse_grant(text), BusbaanError)
    if request is not None:
        assert request.organisation and request.categories and request.legal_bases  # type: ignore[attr-defined]


@SETTINGS
@given(TEXT)
def test_user_arguments_parse_or_explain(text: str) -> None:
    """A Matrix ID argument is parsed to ``@name:server`` or refused with a usage error."""
    user = _either(lambda: parse_user(text), BusbaanError)
    if user is not None:
        assert isinstance(user, str) and user.startswith("@") and ":" in user
    _either(lambda: parse_user_and_reason(text), BusbaanError)
    _either(lambda: parse_case_and_reason(text), BusbaanError)
    case_id, rest = split_case_id(text)
    assert case_id is None or case_id.startswith("C-")
    assert isinstance(rest, str)


class _Echo:
    """Commands shaped like the bots' (multi-word, aliases, English), answering args."""

    @command("toestemming geef", en=["consent give"])
    async def give(self, ctx: Any) -> Any:
        raise NotImplementedError

    @command("toestemming", en=["consent"])
    async def show(self, ctx: Any) -> Any:
        raise NotImplementedError

    @command("baan", en=["lane"])
    async def lane(self, ctx: Any) -> Any:
        raise NotImplementedError


@SETTINGS
@given(st.one_of(TEXT, TEXT.map(lambda t: "!" + t),
                 TEXT.map(lambda t: "!toestemming geef " + t)))
def test_dispatcher_matches_any_line_without_failing(text: str) -> None:
    """Any line either is no command or matches one command with its arguments."""
    dispatcher = Dispatcher("hostile")
    dispatcher.bind(_Echo())
    found = dispatcher.match(text.strip())
    if found is not None:
        spec, _, lang, args = found
        assert lang in ("nl", "en") and isinstance(args, str)
        assert spec.name in ("toestemming geef", "toestemming", "baan")


# -- wegwijzer: the question pipeline ---------------------------------------------------


@pytest.fixture(scope="module")
def router(demo_router: Router) -> Router:
    return demo_router


@SETTINGS
@given(TEXT)
def test_questions_route_or_explain(router: Router, text: str) -> None:
    """A question (with any context words) is routed, or refused as empty; the answer
    never has more than the asked number of results."""
    question = _either(lambda: parse_question(text), BusbaanError)
    if question is None:
        return
    assert question.text.strip()  # type: ignore[attr-defined]
    try:
        answer = router.route(question.text, question.context, limit=3)  # type: ignore[attr-defined]
    except BusbaanError as exc:  # an unknown stadsdeel, an impossible age
        _well_refused(exc)
        return
    assert len(answer.results) <= 3


# -- the policy loader ------------------------------------------------------------------

_POLICY_FILES = sorted(p.name for p in (ROOT / "policies").glob("*.yaml"))
_POLICY_TEXTS = {name: (ROOT / "policies" / name).read_text() for name in _POLICY_FILES}

_YAML_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.text(_ALPHABET, max_size=20), st.sampled_from(
                             ["2027-03-31", "wgs", "buurtteam", "inkomen", "ja", "yes"]))
_YAML_VALUE = st.recursive(
    _YAML_SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(_ALPHABET, max_size=10), inner,
                                            max_size=4)),
    max_leaves=20)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += _paths(v, (*prefix, i))
    return found


@st.composite
def _mutated_policy(draw: st.DrawFn) -> dict[str, str]:
    """The real policy files with one to three values replaced, deleted, or a file
    replaced by arbitrary text: near-valid documents reach deep into the checks."""
    texts = dict(_POLICY_TEXTS)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(_POLICY_FILES))
        if draw(st.integers(0, 9)) == 0:
            texts[name] = draw(TEXT)
            continue
        try:
            doc = yaml.safe_load(texts[name])
        except (yaml.YAMLError, ValueError):
            continue  # replaced by arbitrary text a moment ago
        path = draw(st.sampled_from(_paths(doc)))
        if not path:
            doc = draw(_YAML_VALUE)
        else:
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(_YAML_VALUE)
        texts[name] = yaml.safe_dump(doc, allow_unicode=True)
    return texts


@SETTINGS
@given(_mutated_policy())
def test_policy_files_load_or_name_every_problem(texts: dict[str, str]) -> None:
    """A damaged policy loads into a frozen Policy or raises PolicyError naming the file."""
    try:
        policy = parse_policy(texts)
    except PolicyError as exc:
        _well_refused(exc)
        assert any(name in exc.message("en") for name in _POLICY_FILES)
        return
    assert isinstance(policy, Policy)


# -- the HSDS loader --------------------------------------------------------------------

_MAP = json.loads(demo_map_path().read_text())
_JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9),
              st.floats(allow_nan=True, allow_infinity=True), st.text(_ALPHABET, max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(_ALPHABET, max_size=10), inner,
                                            max_size=4)),
    max_leaves=20)


@st.composite
def _mutated_map(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(_JSON_VALUE)
    doc = copy.deepcopy(_MAP)
    paths = _paths(doc)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(_JSON_VALUE)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return doc


@SETTINGS
@given(_mutated_map())
def test_social_maps_load_or_list_their_problems(raw: Any) -> None:
    """A damaged HSDS map is validated into a list of problems, and parses to a map
    only when that list is empty; otherwise SocialMapError."""
    problems = [p for p in validate_map(raw) if p.severity == "error"]
    try:
        social_map = parse_map(raw, "hostile.json")
    except SocialMapError as exc:
        _well_refused(exc)
        assert problems, "parse_map refused a map that validate_map accepted"
        return
    assert not problems
    assert social_map.services


# -- the workbench's filter form ----------------------------------------------------------

_POLICY = load_policy(ROOT / "policies")
_FIELDS = st.sampled_from(["case", "professional", "organisation", "since", "until",
                           "format", "csrf", "lang", "x"])
_FIELD_VALUE = st.one_of(TEXT, st.sampled_from(
    ["C-7KQ2MX4A", "@a:b.nl", "buurtteam", "2026-12-01", "2026-02-30", "jsonl", "CSV",
     "0000-01-01", "9999-12-31", "2026-13-01"]))


@SETTINGS
@given(st.dictionaries(_FIELDS, _FIELD_VALUE, max_size=9), st.booleans())
def test_filter_forms_parse_or_list_every_problem(values: dict[str, str],
                                                  professional: bool) -> None:
    """Any form or query string gives frozen Filters or a FilterError per field."""
    try:
        filters = parse_filters(values, _POLICY, allow_professional=professional)
    except FilterError as exc:
        _well_refused(exc)
        assert exc.problems
        return
    _frozen(filters)
