"""The wegwijzer's pure rules: chat questions, personal data, intake figures and
reminders, the response target in the map, and how answers read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bots.wegwijzer.render import answer_texts, status_texts
from busbaan.errors import PersonalData, UsageError
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing import Router, load_map, validate_map
from busbaan.wegwijzer import (
    DEFAULT_TARGET_MINUTES,
    LaneRecord,
    due_reminders,
    format_duration,
    guess_lang,
    parse_question,
    question_hash,
    refuse_personal_data,
    target_minutes,
    team_figures,
)
from busbaan.wegwijzer.mapdoc import canonical_json, map_document

DATA = Path(__file__).resolve().parents[1] / "data" / "socialmap"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_context_words_are_taken_out_of_the_question() -> None:
    """`stadsdeel=` and `leeftijd=` (and English `district=`, `age=`) become context."""
    q = parse_question("stadsdeel=Zuidoost leeftijd=58 energieschulden, huur")
    assert q.text == "energieschulden, huur"
    assert q.context == {"stadsdeel": "Zuidoost", "leeftijd": "58"}
    assert parse_question("debts district: Noord age=20").context == {
        "stadsdeel": "Noord", "leeftijd": "20"}


@pytest.mark.parametrize("text", ["", "   ", "stadsdeel=Noord"])
def test_empty_question_is_a_usage_error(text: str) -> None:
    """A question without words is refused with BB_EMPTY_QUESTION."""
    with pytest.raises(UsageError) as err:
        parse_question(text)
    assert err.value.errcode == "BB_EMPTY_QUESTION"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("BSN 111222333", ["bsn"]),
        ("mevrouw Jansen heeft schulden", ["name"]),
        ("woont Kalverstraat 12, schulden", ["address"]),
        ("geboren 12-03-1965, schulden", ["date"]),
        ("cliënt, 58, energieschulden", []),
        ("Meneer heeft geen DigiD", []),
        ("Mevrouw kan door hartklachten niet met de bus", []),
        ("Meneer van 24 slaapt bij vrienden op de bank", []),
        ("meneer met beginnende dementie", []),
    ],
)
def test_identifying_data_is_found_and_unnamed_clients_are_not(text: str,
                                                                kinds: list[str]) -> None:
    """BSN, titled name, address and date are found; 'Meneer heeft…' is no name."""
    assert [f.kind for f in parse_question(text).findings] == kinds


def test_no_development_question_is_refused_as_personal_data() -> None:
    """None of the development and held-out questions is refused as personal data."""
    refused = []
    for name in ("dev-questions.jsonl", "heldout-own.jsonl", "heldout-own-fresh.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if parse_question(item["question"]).personal:
                refused.append(item["id"])
    assert refused == []


def test_refusal_names_kinds_never_values_and_suggests_a_case_room() -> None:
    """The refusal says which kinds were found and points to !casus nieuw."""
    q = parse_question("BSN 111222333, mevrouw Jansen")
    exc = refuse_personal_data(q.findings)
    assert isinstance(exc, PersonalData) and exc.errcode == "BB_PERSONAL_DATA"
    assert "111222333" not in exc.nl and "Jansen" not in exc.nl
    assert "!casus nieuw" in exc.nl and "!case new" in exc.en
    assert exc.data["kinds"] == ["bsn", "name"]


def test_long_question_is_marked_truncated() -> None:
    """A question longer than the router reads is marked truncated."""
    assert parse_question("schulden " * 400).truncated
    assert not parse_question("schulden").truncated


def test_language_guess() -> None:
    """English questions are recognised; Dutch is the default."""
    assert guess_lang("client needs help with debts and can't pay the rent") == "en"
    assert guess_lang("cliënt heeft schulden en kan de huur niet betalen") == "nl"
    assert guess_lang("bb") == "nl"


def test_question_hash_ignores_case_and_spacing() -> None:
    """The hash is the same for the same words, whatever their case or spacing."""
    key = Pseudonyms.generate()
    assert question_hash("Schulden  en huur", key) == question_hash("schulden en huur", key)
    assert question_hash("schulden", key) != question_hash("huur", key)


def _lane(lane_id: str, *, team: str = "#t:x", opened: int = 0, answered: int | None = None,
          reminded: bool = False, closed: bool = False, target: int = 60) -> LaneRecord:
    return LaneRecord(
        lane_id=lane_id, room_id=f"!{lane_id}:x", answer_id="A", service_id="s",
        organization_id="o", team=team, asker="@a:x", target_minutes=target,
        opened_at=T0 + dt.timedelta(minutes=opened),
        first_answer_at=None if answered is None else T0 + dt.timedelta(minutes=answered),
        reminded_at=T0 if reminded else None, closed_at=T0 if closed else None)


def test_team_figures_count_lanes_and_take_the_median_first_answer() -> None:
    """Per team: open, waiting, overdue, answered and the median time to first answer."""
    now = T0 + dt.timedelta(minutes=100)
    lanes = [_lane("1", answered=10), _lane("2", answered=30), _lane("3", answered=50),
             _lane("4", opened=80), _lane("5", opened=0), _lane("6", team="#u:x")]
    [t, u] = team_figures(lanes, now)
    assert (t.team, t.open, t.waiting, t.overdue, t.answered) == ("#t:x", 5, 2, 1, 3)
    assert t.median_first_answer_seconds == 30 * 60
    assert t.longest_wait_seconds == 100 * 60
    assert (u.waiting, u.median_first_answer_seconds) == (1, None)
    assert json.dumps([t.to_json(), u.to_json()])  # plain JSON, no floats
    assert not any(isinstance(v, float) for v in t.to_json().values())


def test_reminders_are_due_once_past_the_target() -> None:
    """A waiting lane past its target is due once; answered or closed lanes never."""
    now = T0 + dt.timedelta(minutes=61)
    lanes = [_lane("late"), _lane("early", opened=30), _lane("done", answered=70),
             _lane("told", reminded=True), _lane("shut", closed=True)]
    assert [lane.lane_id for lane in due_reminders(lanes, now)] == ["late"]
    assert due_reminders(lanes, T0 + dt.timedelta(minutes=60)) == []


def test_target_comes_from_the_map_else_the_default() -> None:
    """The service's x_response_target_minutes wins over the default."""
    social_map = load_map()
    vangnet = social_map.service("ggd-vangnet")
    bijstand = social_map.service("bijstand")
    assert vangnet is not None and bijstand is not None
    assert target_minutes(vangnet.response_target_minutes) == 60
    assert target_minutes(bijstand.response_target_minutes) == DEFAULT_TARGET_MINUTES


@pytest.mark.parametrize("value", [0, -5, "60", 1.5, True, 7 * 24 * 60 + 1])
def test_bad_response_target_is_named_in_the_check(value: object) -> None:
    """A response target that is not 1..10080 whole minutes is an error naming the field."""
    raw = json.loads((DATA / "amsterdam-demo.hsds.json").read_text(encoding="utf-8"))
    raw["services"][0]["x_response_target_minutes"] = value
    problems = [p for p in validate_map(raw) if p.code == "bad_response_target"]
    assert len(problems) == 1 and "x_response_target_minutes" in problems[0].where


def test_map_document_hash_is_canonical() -> None:
    """The same map with other whitespace or key order has the same hash."""
    raw = json.loads((DATA / "amsterdam-demo.hsds.json").read_text(encoding="utf-8"))
    a = map_document(raw, "a")
    b = map_document(json.loads(json.dumps(raw, indent=4, sort_keys=False)), "b")
    assert a.sha256 == b.sha256 and a.text == canonical_json(raw)


def test_format_duration() -> None:
    """Durations read as seconds, minutes, hours or days."""
    assert format_duration(None) == "–"
    assert format_duration(42) == "42 s"
    assert format_duration(125) == "2 min"
    assert format_duration(3900) == "1 u 05 min"
    assert format_duration(3900, "en") == "1 h 05 min"
    assert format_duration(3 * 86400) == "3 dg 0 u"


def test_answer_texts_show_three_services_and_how_to_open_a_lane(demo_router: Router) -> None:
    """A confident answer lists three services with why, conditions and contact."""
    router = demo_router
    answer = router.route("cliënt, 58, Zuidoost, energieschulden", limit=3)
    body, html = answer_texts(answer, "nl")
    head = "Hier kun je terecht" if answer.confident else "Ik weet het niet zeker"
    assert body.startswith(head) and "(stadsdeel Zuidoost, leeftijd 58):" in body
    assert body.count("Waarom:") == 3 and "!baan" in body
    assert html.count("<li>") == 3
    unsure = router.route("qwxz", limit=3)
    body, _ = answer_texts(unsure, "en")
    assert body.startswith("I do not know") and "Describe the problem" in body


def test_a_weak_signal_adds_no_second_reason_to_a_safety_service_already_first(
        demo_router: Router) -> None:
    """Outside check s5: bruises on a boy of 8 put Veilig Thuis first for child
    maltreatment, and the body then also said "Als er sprake is van gevaar: bij geweld
    of dreiging door een (ex-)partner ..." (the bruises read as a weak partner cue)."""
    router = demo_router
    answer = router.route("op school zie ik steeds blauwe plekken op de armen van een "
                          "jongen van 8, hij wil er niet over praten", limit=3)
    assert [h.signal for h in answer.safety] == ["child_maltreatment"]
    assert answer.results[0].service_id == answer.safety[0].service_id
    assert answer.caution == ()
    body, _ = answer_texts(answer, "nl")
    assert body.startswith("⚠ Dit kan kindermishandeling") and "(ex-)partner" not in body


def test_answer_texts_add_the_weak_safety_sentence_without_a_warning_sign(
        demo_router: Router) -> None:
    """A weak safety signal (route3) adds one plain 'Als er sprake is van gevaar: ...'
    sentence and its service in the top 3, but no ⚠ line (that is for a safety service
    put first)."""
    router = demo_router
    answer = router.route("Cliënte vertelt dat haar man erg jaloers is. Ze zoekt een "
                          "cursus Nederlands.", limit=3)
    assert answer.safety == () and len(answer.caution) == 1
    assert answer.caution[0].service_id in [r.service_id for r in answer.results[:3]]
    body, html = answer_texts(answer, "nl")
    assert body.count("Als er sprake is van gevaar:") >= 1 and "⚠" not in body
    assert "Als er sprake is van gevaar:" in html
    body_en, _ = answer_texts(router.route("Her husband is very jealous. She wants a Dutch "
                                           "course.", limit=3, lang="en"), "en")
    assert "If there is danger:" in body_en


def test_status_texts_without_lanes() -> None:
    """`!baan status` without lanes says so."""
    body, _ = status_texts([], {}, "nl")
    assert body == "Er zijn nog geen banen geopend."


@pytest.mark.parametrize(("question", "asks_age", "asks_place"), [
    ("mevrouw van 78 in Zuid, ze weet het allemaal niet meer", False, False),
    ("mevrouw van 78, ze weet het allemaal niet meer", False, True),
    ("mevrouw in Zuid, ze weet het allemaal niet meer", True, False),
    ("ze weet het allemaal niet meer", True, True),
])
def test_the_tip_under_an_unsure_answer_asks_only_for_what_is_missing(
        demo_router: Router, question: str, asks_age: bool, asks_place: bool) -> None:
    """Outside8 finding 6: "mevrouw van 78 in Zuid" was asked for her age and stadsdeel."""
    answer = demo_router.route(question, limit=3)
    assert not answer.confident
    for lang, age, place in (("nl", "voor wie (leeftijd)", "waar (het stadsdeel"),
                             ("en", "for whom (age)", "where (the district")):
        body, html = answer_texts(answer, lang)
        assert (age in body) is asks_age and (age in html) is asks_age
        assert (place in body) is asks_place
        assert "concre" in body
