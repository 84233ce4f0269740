"""Example questions per service (document expansion, issue 8): the file format and its
check, and what the examples do to a ranking."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner
from routing_testdata import BENCHMARK_MAP

from busbaan.cli import main
from busbaan.routing import Router, SocialMap, Tuning, demo_map_path, load_map
from busbaan.routing.expansion import (
    RANK_DECAY,
    TOP_K,
    ExampleIndex,
    ExampleSet,
    ExamplesFileError,
    check_against_map,
    coverage,
    load_examples,
    parse_examples,
)
from busbaan.routing.text import Analyzer


def _codes(exc: ExamplesFileError) -> list[str]:
    return [p.code for p in exc.found]


def test_a_file_with_personal_data_is_refused_whole_and_says_where() -> None:
    """A BSN or a titled name in an example refuses the file (nothing of it is used),
    naming the entry and the kind of data in Dutch and English, never the value."""
    raw = {"services": {"wpi-bijstand": [
        "Hoe vraagt iemand zonder inkomen een uitkering aan?",
        "Mevrouw Jansen heeft BSN 111222333 en geen geld meer.",
    ]}}
    with pytest.raises(ExamplesFileError) as caught:
        parse_examples(raw, "x.yaml")
    [problem] = caught.value.found
    assert problem.where == "services.wpi-bijstand[2]"
    assert "BSN" in problem.nl and "persoonsgegevens" in problem.nl
    assert "personal data" in problem.en
    assert "111222333" not in str(caught.value) and "Jansen" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, "examples-empty"),
        ({"servces": {}}, "examples-shape"),
        ({"services": []}, "examples-shape"),
        ({"services": {"wpi-bijstand": "een vraag als tekst"}}, "examples-shape"),
        ({"services": {"wpi-bijstand": []}}, "examples-none"),
        ({"services": {"wpi bijstand": ["een vraag over geld hier"]}}, "examples-key"),
        ({"services": {"wpi-bijstand": ["kort"]}}, "examples-length"),
        ({"services": {"wpi-bijstand": [" ".join(["woord"] * 301)]}}, "examples-length"),
    ],
)
def test_a_malformed_file_names_what_is_wrong(raw: object, code: str) -> None:
    with pytest.raises(ExamplesFileError) as caught:
        parse_examples(raw, "x.yaml")
    assert code in _codes(caught.value)
    assert all(p.nl and p.en and p.nl != p.en for p in caught.value.found)


def test_a_glob_applies_to_every_matching_service_and_unknown_keys_are_reported(
    benchmark_map: SocialMap,
) -> None:
    examples = parse_examples({"services": {
        "bt-*-geldzaken": ["Ik wil hulp om mijn post en rekeningen op orde te krijgen."],
        "bt-noord-geldzaken": ["Wie helpt mij in de buurt met mijn administratie?"],
        "geen-dienst": ["Een vraag voor een dienst die niet bestaat."],
    }}, "x.yaml")
    assert len(examples.for_service("bt-noord-geldzaken")) == 2
    assert len(examples.for_service("bt-oost-geldzaken")) == 1
    assert examples.for_service("bt-oost-algemeen") == ()
    [warning] = check_against_map(examples, benchmark_map)
    assert warning.severity == "warning" and "geen-dienst" in warning.nl


def test_the_shipped_examples_cover_the_demo_and_benchmark_maps() -> None:
    """The example files shipped with busbaan load without a warning on either map,
    and every service of each map has examples: the benchmark map's from the files
    written for it, the `make dev` map's through `like` (no service is left bare while
    others have examples)."""
    shipped = load_examples()
    for path in (demo_map_path(), BENCHMARK_MAP):
        social_map = load_map(path)
        assert check_against_map(shipped, social_map) == []
        with_examples, services, used = coverage(shipped, social_map)
        assert with_examples == services and used >= 20 * services


def test_a_file_is_used_whole_or_not_at_all(benchmark_map: SocialMap) -> None:
    """A file with one entry for a service the map lacks is not used at all (half a
    file would favour some services over others); a file for another map is silent
    unless the map's editor gave it; `like` borrows another entry's examples."""
    good = {"wpi-bijstand": ["Hoe vraagt iemand zonder inkomen een uitkering aan?"]}
    half = parse_examples({"services": {**good, "geen-dienst": ["een vraag over iets anders"]}},
                          "half.yaml")
    assert half.for_map([s.id for s in benchmark_map.services]) == {}
    [warning] = check_against_map(half, benchmark_map)
    assert warning.where == "half.yaml" and "geen-dienst" in warning.nl
    other = parse_examples({"services": {"bijstand": ["een vraag voor een andere kaart"],
                                         "stadspas": ["nog een vraag voor die kaart"]}},
                           "other.yaml")
    assert check_against_map(other, benchmark_map) == []
    assert len(check_against_map(other, benchmark_map, own=["other.yaml"])) == 1
    borrowed = ExampleSet(parse_examples({"services": good}, "a.yaml").entries
                          + parse_examples({"services": {"bijstand": {"like": ["wpi-bijstand"]}}},
                                           "b.yaml").entries)
    assert borrowed.for_map(["bijstand"]) == {"bijstand": tuple(good["wpi-bijstand"])}


def test_unless_leaves_out_borrowed_examples_this_map_gives_to_another_service() -> None:
    """A youth team on a map with its own addiction service borrows the youth-team
    examples, but not the ones about cannabis: 'unless' names word beginnings, and a
    borrowed example with such a word is left out (its own examples are kept)."""
    youth = {"okt-opvoedondersteuning": [
        "Onze dochter van 15 komt steeds later thuis en we hebben elke dag ruzie.",
        "Zoon van 16 rookt elke dag wiet op zijn kamer en spijbelt.",
        "Hij blowt al maanden en wij weten niet meer wat we moeten doen.",
    ]}
    mine = {"okt": {"like": ["okt-opvoedondersteuning"], "unless": ["Wiet", "blow"],
                    "examples": ["Mijn zoon blowt en ik wil een opvoedgesprek."]}}
    both = ExampleSet(parse_examples({"services": youth}, "a.yaml").entries
                      + parse_examples({"services": mine}, "b.yaml").entries)
    assert both.for_map(["okt"]) == {"okt": (
        "Mijn zoon blowt en ik wil een opvoedgesprek.",
        "Onze dochter van 15 komt steeds later thuis en we hebben elke dag ruzie.")}
    assert both.for_service("okt") == both.for_map(["okt"])["okt"]
    with pytest.raises(ExamplesFileError) as caught:
        parse_examples({"services": {"okt": {"like": ["x"], "unless": ["wiet roken", " "]}}},
                       "c.yaml")
    assert _codes(caught.value) == ["examples-unless"]
    assert "één woord" in caught.value.found[0].nl


def test_the_make_dev_youth_team_does_not_take_cannabis_questions_from_addiction_care(
        demo_router: Router) -> None:
    """The `make dev` map has its own verslavingszorg: a parent worried about a son who
    smokes cannabis every day is not sent to okt with confidence on borrowed examples."""
    router = demo_router
    answer = router.route("ouders ongerust: zoon (20) zit de hele dag te blowen")
    assert answer.results[0].service_id == "verslavingszorg" or not answer.confident
    assert "verslavingszorg" in [r.service_id for r in answer.results[:3]]


def test_examples_bring_a_services_everyday_words(benchmark_map: SocialMap) -> None:
    """A question in words the map does not use for a service finds it through that
    service's examples, and the answer says which words matched; without the examples
    (weight 0) the same question does not."""
    examples = parse_examples({"services": {"voedselbank-aanmelding": [
        "De koelkast is leeg en er komt pas over twee weken geld binnen.",
        "De kast is leeg, de kinderen hebben honger en het geld is op.",
        "Waar kan ik eten halen als ik geen boodschappen kan doen?",
    ], "wpi-bijstand": [
        "Ik heb geen werk en geen inkomen meer, hoe kom ik aan een uitkering?",
        "Mijn man is weg en ik heb geen geld om de huur te betalen.",
    ], "shv-schuldhulpverlening": [
        "De deurwaarder staat steeds voor de deur en de schulden groeien.",
        "Ik kan mijn rekeningen niet meer betalen en de brieven stapelen zich op.",
    ], "welzijn-eenzaamheid": [
        "Mijn vader zit de hele dag alleen en spreekt niemand meer.",
        "Ik ben nieuw in de stad en ken hier niemand, waar kan ik mensen ontmoeten?",
    ]}}, "x.yaml")
    question = "Onze koelkast is leeg en de kinderen hebben honger, wat nu?"
    with_examples = Router(benchmark_map, examples=examples).route(question)
    without = Router(benchmark_map, tuning=dataclasses.replace(Tuning(), example_weight=0.0),
                     examples=examples).route(question)
    assert with_examples.results[0].service_id == "voedselbank-aanmelding"
    assert {"leeg", "honger"} <= set(with_examples.results[0].matched)
    assert "voedselbank-aanmelding" not in [r.service_id for r in without.results[:1]]


def test_one_close_example_outweighs_many_that_share_a_common_word() -> None:
    """The score per service is a nearest-neighbour vote: its best examples count, not
    how many examples it has."""
    analyzer = Analyzer(["hulp bij geld", "elektrisch karretje scootmobiel"])
    index = ExampleIndex(
        [
            [f"hulp bij geld en formulieren nummer {n}" for n in range(30)],
            ["mijn buurman wil een elektrisch karretje voor de boodschappen"],
        ],
        analyzer,
    )
    query = {analyzer.stem("elektrisch"): 1.0, analyzer.stem("karretje"): 1.0,
             analyzer.stem("hulp"): 1.0}
    scores, evidence = index.scores(query)
    assert scores[1] > scores[0]
    assert analyzer.stem("karretje") in evidence[1]


def test_a_big_service_votes_with_its_best_five_however_many_it_has() -> None:
    """A service's vote is its best TOP_K examples, the n-th counted RANK_DECAY**n: 30
    examples that all match vote no more than five would (the balance to the median
    count, session 8, was removed in session 10: it cost top-1 on unseen questions)."""
    analyzer = Analyzer(["moeder moe dag"])
    big = [f"de moeder is heel moe na de lange dag nummer {n}" for n in range(30)]
    small = ["ik zoek een cursus voor de avond"] * 3
    index = ExampleIndex([big, small], analyzer)
    query = {analyzer.stem("moeder"): 1.0}
    scores, _ = index.scores(query)
    _, best = index.matches(query)
    values = sorted((v for v, _ in best[0]), reverse=True)
    assert len(values) == 30
    assert scores[0] == pytest.approx(sum(v * RANK_DECAY**j
                                          for j, v in enumerate(values[:TOP_K])))
    assert 1 not in scores


def test_no_examples_change_nothing(benchmark_map: SocialMap) -> None:
    """An empty example set gives the same answer as the examples switched off."""
    question = "Mijn moeder van 80 kan de trap niet meer op, kan er een traplift komen?"
    a = Router(benchmark_map, examples=ExampleSet()).route(question)
    b = Router(benchmark_map, tuning=dataclasses.replace(Tuning(), example_weight=0.0)
               ).route(question)
    assert [(r.service_id, r.score) for r in a.results] == [
        (r.service_id, r.score) for r in b.results]


def test_socialmap_check_validates_example_files(tmp_path: Path) -> None:
    """`busbaan socialmap check --examples` exits 1 on a broken file, in Dutch by
    default and in English on request; an entry for no service is a warning."""
    broken = tmp_path / "broken.yaml"
    broken.write_text('services:\n  wpi-bijstand:\n    - "kort"\n', encoding="utf-8")
    args = ["socialmap", "check", str(demo_map_path()), "--examples", str(broken)]
    nl = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "nl"})
    assert nl.exit_code == 1
    assert "services.wpi-bijstand[1]" in nl.output and "woorden" in nl.output
    en = CliRunner().invoke(main, args, env={"BUSBAAN_LANG": "en"})
    assert en.exit_code == 1 and "words" in en.output
    stray = tmp_path / "stray.yaml"
    stray.write_text('services:\n  geen-dienst:\n    - "een vraag over iets anders hier"\n',
                     encoding="utf-8")
    warned = CliRunner().invoke(main, ["socialmap", "check", str(demo_map_path()),
                                       "--examples", str(stray)], env={"BUSBAAN_LANG": "nl"})
    assert warned.exit_code == 0 and "waarschuwing" in warned.output
    missing = CliRunner().invoke(main, ["socialmap", "check", str(demo_map_path()),
                                        "--examples", str(tmp_path / "none.yaml")],
                                 env={"BUSBAAN_LANG": "nl"})
    assert missing.exit_code == 1 and "niet gevonden" in missing.output


def test_configured_examples_come_from_the_environment_and_fail_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, benchmark_map: SocialMap,
) -> None:
    """BUSBAAN_EXAMPLES chooses the files `busbaan serve` and the CLI use; a broken one
    is a usage error naming its first problem (in Dutch and English), not a traceback."""
    from busbaan.errors import UsageError
    from busbaan.routing.expansion import ENV_VAR, configured

    good = tmp_path / "good.yaml"
    good.write_text('services:\n  wpi-bijstand:\n    - "Geen werk en geen geld meer, wat nu?"\n',
                    encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(good))
    assert configured().for_map(["wpi-bijstand"]) == {
        "wpi-bijstand": ("Geen werk en geen geld meer, wat nu?",)}
    broken = tmp_path / "broken.yaml"
    broken.write_text('services:\n  wpi-bijstand:\n    - "kort"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(broken))
    with pytest.raises(UsageError) as caught:
        configured()
    assert caught.value.errcode == "BB_EXAMPLES"
    assert "services.wpi-bijstand[1]" in caught.value.nl and "socialmap check" in caught.value.nl
    assert "words" in caught.value.en
    monkeypatch.delenv(ENV_VAR)
    assert len(configured()) >= 1000  # the shipped files


def test_an_untitled_name_in_an_example_is_warned_about(benchmark_map: SocialMap) -> None:
    """outside6: "Fatima Bakker heeft schulden" passed the check (only titled names are
    errors); two capitalised words inside a sentence that the map does not use are now
    a warning, while a service's own name ("Veilig Thuis") is not. Since names10
    (session 9) a name :func:`busbaan.privacy.untitled_names` finds is an error at
    parse time; the warning stays for a pair of dictionary words ("Roos Visser")."""
    with pytest.raises(ExamplesFileError) as raised:
        parse_examples({"services": {"wpi-bijstand": [
            "Mijn buurvrouw Fatima Bakker heeft geen geld meer om van te leven"]}}, "x.yaml")
    assert "Fatima" not in str(raised.value)
    examples = parse_examples({"services": {"wpi-bijstand": [
        "Mijn buurvrouw Roos Visser heeft geen geld meer om van te leven",
        "Kan ik bij Veilig Thuis terecht als mijn ex mij bedreigt om geld?",
        # session 7: a neighbourhood is a place, not a name
        "Ik woon in de Indische Buurt en kom niet rond van mijn loon",
        "Mijn kraam op de Albert Cuyp levert te weinig op",
    ]}}, "x.yaml")
    [warning] = check_against_map(examples, benchmark_map)
    assert warning.code == "examples-possible-name" and warning.where.endswith("[1]")
    assert "Roos" not in warning.nl + warning.en + warning.where


def test_scores_are_what_matches_votes_to_the_float_and_in_its_order() -> None:
    """:meth:`ExampleIndex.scores` computes without :meth:`matches`'s parts per example
    (perf17, session 13): the same sums in the same order, so the same floats, the same
    order of services and the same stems as evidence, with a phrase's translation too."""
    analyzer = Analyzer(["schuld geld huur debt"])
    index = ExampleIndex(
        [
            ["ik heb schulden en geen geld voor de huur", "schulden bij de energie"],
            ["hulp bij geld en formulieren", "ik heb debts and no money",
             "schulden of debts en geen geld"],
            ["de huur is te hoog en ik heb schulden", "ik heb schulden en geen geld voor de huur"],
        ],
        analyzer,
    )
    schuld, geld, huur, debt = (analyzer.stem(w) for w in ("schulden", "geld", "huur", "debts"))
    query = {schuld: 1.0, geld: 0.5, huur: 0.7, debt: 1.0}
    for alternatives in ((), (((frozenset({schuld}),), frozenset({debt}), True),)):
        parts, best = index.matches(query, alternatives=alternatives)
        ranks = [RANK_DECAY**j for j in range(TOP_K)]
        want = {doc: sum(v * w for (v, _), w in zip(sorted(found, reverse=True), ranks,
                                                     strict=False))
                for doc, found in best.items()}
        scores, evidence = index.scores(query, alternatives=alternatives)
        assert len(want) == 3
        assert list(scores.items()) == list(want.items())
        assert {doc: list(e.items()) for doc, e in evidence.items()} == {
            doc: list(parts[max(found)[1]].items()) for doc, found in best.items()}
