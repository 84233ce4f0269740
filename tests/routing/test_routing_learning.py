"""Learning from professionals (issue 8), the pure part: votes, support, the prior,
and that no amount of feedback moves a safety service from the top."""

from __future__ import annotations

import dataclasses

import pytest

from busbaan.routing import Router
from busbaan.routing.learning import (
    Evidence,
    evidence_for,
    feedback_votes,
    learned_from,
    learning_terms,
)


def test_votes_from_verdicts() -> None:
    """Good: +1 for the first service; wrong: -1 for it and +1 for the named one."""
    assert feedback_votes("good", None, ("a", "b")) == [("a", 1)]
    assert feedback_votes("wrong", "b", ("a", "b")) == [("a", -1), ("b", 1)]
    assert feedback_votes("wrong", None, ("a",)) == [("a", -1)]
    assert feedback_votes("wrong", "a", ("a",)) == [("a", 1)]
    assert feedback_votes("good", None, ()) == []


def test_an_association_needs_two_sources() -> None:
    """One source teaches nothing; a second different source makes it count."""
    one = [Evidence("mee", "welzijn-eenzaamheid", 1, "F1")]
    assert len(learned_from(one)) == 0
    assert len(learned_from(one + one)) == 0  # the same source twice is still one
    two = [*one, Evidence("mee", "welzijn-eenzaamheid", 1, "F2")]
    [assoc] = learned_from(two).by_term["mee"]
    assert (assoc.net, assoc.support) == (2, 2)


def test_learning_terms_are_stems_without_numbers_or_stopwords(router: Router) -> None:
    """Only the question's own content words are kept, stemmed; no numbers."""
    terms = learning_terms(router.analyzer, "Meneer (79) is weduwnaar en 3 maanden eenzaam")
    assert terms and all(t.isalpha() for t in terms)
    assert not {"meneer", "is", "en", "79", "3"} & set(terms)


def test_learning_keeps_no_names_or_bsn(router: Router) -> None:
    """Names (also those that are Dutch words: Jan, Bakker, Visser), titled names and
    BSN-like numbers never become learned terms; the question's other words do."""
    question = (
        "Jan Bakker (bsn 111222333) en zijn vrouw Fatima Visser hebben schulden; "
        "mevrouw De Vries van de buren helpt met de post. Zoon Mohammed is eenzaam."
    )
    terms = set(learning_terms(router.analyzer, question))
    stems = {router.analyzer.stem(w) for w in
             ("jan", "bakker", "fatima", "visser", "vries", "mohammed", "bsn")}
    assert not stems & terms, stems & terms
    assert not any(t.isdigit() for t in terms)
    assert {router.analyzer.stem("schulden"), router.analyzer.stem("eenzaam")} <= terms


def test_capitalised_words_of_the_map_are_still_learned(router: Router) -> None:
    """A capitalised word the map itself uses (DigiD, a sentence-initial 'Schulden') is
    no name and is kept."""
    terms = set(learning_terms(router.analyzer, "Schulden en geen DigiD"))
    assert {router.analyzer.stem("schulden"), router.analyzer.stem("digid")} <= terms


def test_feedback_teaches_a_paraphrase_after_a_few_items(router: Router) -> None:
    """Thirteen corrections of a missed question move its paraphrase to the right service
    (three until session 8: since then a vote on "kosten" or "betalen", words used for
    many services, is a fraction of one; see learning.py, rule 2; four until session 16:
    a retired s35 question, what a bewindvoerder costs and who pays it, is an example of
    the bewind information desk and widened the gap before learning from 13 to 16 points;
    each correction closed about a point and a half: six were the least that moved it,
    eight left a margin of three points; eight until session 21: since s52's questions
    are examples (without asked-heldout52 eight move it again) the gap before learning
    is 20 points (the bewind information desk 842, the bijzondere bijstand 822) and each
    correction closes about one, fewer as they add up: measured, ten are the least that
    move it (833 to 832), thirteen leave a margin of three points (834 to 831))."""
    asked = "Cliënt heeft een bewindvoerder maar kan de kosten van het bewind niet betalen"
    paraphrase = "De kosten van de bewindvoerder kan mijn cliënt niet opbrengen"
    before = router.route(paraphrase).results[0].service_id
    assert before != "wpi-bijzondere-bijstand"
    evidence = []
    for n in range(13):
        answered = tuple(r.service_id for r in router.route(asked).results[:3])
        votes = feedback_votes("wrong", "wpi-bijzondere-bijstand", answered)
        evidence += evidence_for(learning_terms(router.analyzer, asked), votes, f"F{n}")
    learned = learned_from(evidence)
    after = router.route(paraphrase, learned=learned).results[0].service_id
    assert after == "wpi-bijzondere-bijstand"


def test_no_feedback_moves_a_safety_service_from_the_top(router: Router) -> None:
    """Even 50 professionals marking Veilig Thuis wrong for a safety question leave it first."""
    question = "cliënt durft niet meer naar huis omdat haar vriend haar slaat"
    terms = learning_terms(router.analyzer, question)
    evidence = []
    for n in range(50):
        votes = feedback_votes("wrong", "welzijn-energiecoach", ("vt-advies-melding",))
        evidence += evidence_for(terms, votes, f"F{n}")
    answer = router.route(question, learned=learned_from(evidence))
    assert answer.results[0].service_id == "vt-advies-melding"
    assert answer.safety and answer.safety[0].service_id == "vt-advies-melding"


def test_names_outside_the_dictionary_are_not_learned(router: Router) -> None:
    """A surname the personal-data check missed is not kept as a learned term."""
    terms = learning_terms(router.analyzer, "Jansen en Pietersen hebben schulden en zijn eenzaam")
    assert not {t for t in terms if t.startswith(("jansen", "pieters"))}
    assert terms  # the ordinary words are kept


def test_one_person_clicking_twice_teaches_nothing() -> None:
    """MIN_SUPPORT counts people: two !fout by one professional (two feedback items) do
    not make an association; the same from two professionals does (outside6: one user
    redirected "huurachterstand" to the Stadspas for everyone)."""
    from busbaan.pseudonyms import Pseudonyms
    from busbaan.routing.learning import Evidence, learned_from, person_of, source_key

    key = Pseudonyms.generate()
    one = [Evidence("huurachterstand", "wpi-stadspas", 1, source_key(f, "@a:test", key))
           for f in ("F1", "F2")]
    assert len(learned_from(one)) == 0
    two = [Evidence("huurachterstand", "wpi-stadspas", 1, source_key(f, who, key))
           for f, who in (("F1", "@a:test"), ("F2", "@b:test"))]
    assert len(learned_from(two)) == 1
    assert "@a:test" not in source_key("F1", "@a:test", key)
    assert person_of("F1") == "F1"  # stored before session 6: each source its own person


def test_the_person_in_a_source_id_is_keyed_not_a_plain_hash() -> None:
    """The person part is an HMAC of the Matrix ID under the deployment key: the same
    person gives the same part under one key, another key gives another, and it is not
    the plain SHA-256 of the ID that anyone could compute from the directory."""
    import hashlib

    from busbaan.pseudonyms import Pseudonyms
    from busbaan.routing.learning import person_of, source_key, source_of

    key, other = Pseudonyms.generate(), Pseudonyms.generate()
    stored = source_key("F-1", "@a:test", key)
    assert person_of(stored) == person_of(source_key("F-2", "@a:test", key))
    assert person_of(stored) != person_of(source_key("F-1", "@a:test", other))
    assert person_of(stored) != hashlib.sha256(b"@a:test").hexdigest()[:12]
    assert len(person_of(stored)) == 12 and source_of(stored) == key.learned_source("F-1")
    assert source_key("F-1", None, key) == key.learned_source("F-1") == source_of(
        source_key("F-1", None, key))


def test_the_source_in_a_source_id_is_keyed_not_the_feedback_or_lane_id() -> None:
    """Session 11 (privacy13): the feedback or lane id is stored under the key, so that
    the votes cannot be joined to the verdict or lane (and through them to the audit
    entry naming the professional); one source keeps one value under one key, and the
    whole stays within the column (32)."""
    from busbaan.pseudonyms import Pseudonyms
    from busbaan.routing.learning import source_key, source_of

    key, other = Pseudonyms.generate(), Pseudonyms.generate()
    stored = source_key("F-7KQ2MX4A", "@a:test", key)
    assert "F-7KQ2MX4A" not in stored and len(stored) <= 32
    assert source_of(stored) == source_of(source_key("F-7KQ2MX4A", "@b:test", key))
    assert source_of(stored) != source_of(source_key("F-7KQ2MX4B", "@a:test", key))
    assert source_of(stored) != source_of(source_key("F-7KQ2MX4A", "@a:test", other))


def test_number_words_are_not_learned(demo_router: Router) -> None:
    """outside7: "drie" (from "drie maanden huurachterstand") was in the learned table;
    no numbers are learned, in digits or in words."""
    from busbaan.routing.learning import learning_terms

    analyzer = demo_router.analyzer
    terms = learning_terms(analyzer, "drie maanden huurachterstand en twee kinderen, 3 brieven")
    assert terms and not {"drie", "twee", "3"} & set(terms)


# ---------------------------------------------------------------- session 8 (learn9)

ALCOHOL = "man drinkt elke dag veel alcohol en wil daarmee stoppen"
PARTNER = ("de man van mijn cliënte drinkt elke dag en dan wordt hij agressief tegen de "
           "kinderen")
#: The answer outside8 was given to ALCOHOL on the make-dev map (Veilig Thuis first as a
#: filler, finding 4), on which bram and chantal each said `!fout poh-ggz` (finding 5).
OUTSIDE8_ANSWER = ("veilig-thuis", "budgetbeheer", "verslavingszorg")
#: The answer the router gave ALCOHOL in session 8 (specialist ggz first, itself a
#: safety family's service). Since router17 (session 9) the make-dev map's specialist ggz
#: no longer borrows addiction questions and verslavingszorg is first: learning against
#: that ordinary service is ordinary learning, so the case is kept as it was.
SESSION8_ANSWER = ("ggz-specialistisch", "verslavingszorg", "veilig-thuis")


def _two_people_say(router: Router, question: str, answered: tuple[str, ...],
                    expected: str, people: int = 2) -> list[Evidence]:
    """The evidence the bot stores when ``people`` professionals each `!fout expected`."""
    from busbaan.pseudonyms import Pseudonyms
    from busbaan.routing.learning import source_key

    key = Pseudonyms.generate()
    terms = learning_terms(router.analyzer, question)
    votes = feedback_votes("wrong", expected, answered)
    return [e for n in range(people)
            for e in evidence_for(terms, votes, source_key(f"F{n}", f"@p{n}:test", key))]


def _place(answer: object, service_id: str) -> int | None:
    ids = [r.service_id for r in answer.results]  # type: ignore[attr-defined]
    return ids.index(service_id) if service_id in ids else None


def test_outside8_finding5_ordinary_feedback_leaves_veilig_thuis_alone(
        demo_router: Router) -> None:
    """outside8 finding 5, through the real router on the make-dev map: two people's
    `!fout poh-ggz` on the alcohol answer that had Veilig Thuis first teach "man", "dag",
    "drink", "stop", "alcohol"; the partner-violence question keeps Veilig Thuis at its
    place with its confidence (it lost 572 -> 346 before). Also with the answer the
    router gave in session 8 (specialist ggz first, itself a safety family's service)."""
    from busbaan.routing.learning import held_back

    router = demo_router
    before = router.route(PARTNER)
    assert _place(before, "veilig-thuis") is not None
    for answered in (OUTSIDE8_ANSWER, SESSION8_ANSWER):
        learned = learned_from(_two_people_say(router, ALCOHOL, answered, "poh-ggz"))
        against = [a for v in learned.by_term.values() for a in v if a.net < 0]
        assert against and all(held_back(a, router.protected) == "safety_service"
                               for a in against), against
        after = router.route(PARTNER, learned=learned)
        assert _place(after, "veilig-thuis") == _place(before, "veilig-thuis")
        assert abs(after.confidence - before.confidence) <= 10, (before.confidence,
                                                                  after.confidence)
        assert [c.signal for c in after.caution] == [c.signal for c in before.caution]


def test_no_number_of_ordinary_clicks_moves_a_safety_service(demo_router: Router) -> None:
    """Fifty professionals correcting ordinary answers that listed Veilig Thuis first
    (everyday words: man, vrouw, kinderen, huis, dag, bang) leave it where it was on
    safety questions, with a strong signal and with only a weak one or none."""

    router = demo_router
    ordinary = [
        ("man en vrouw hebben elke dag ruzie over geld, kinderen thuis", "budgetbeheer"),
        ("moeder is bang dat ze het huis uit moet, huur te hoog", "schuldhulp"),
        ("vader drinkt elke dag en wil stoppen", "verslavingszorg"),
    ]
    evidence: list[Evidence] = []
    for question, expected in ordinary:
        answered = ("veilig-thuis", *(r.service_id for r in router.route(question).results
                                      if r.service_id != "veilig-thuis"))[:3]
        evidence += _two_people_say(router, question, answered, expected, people=50)
    learned = learned_from(evidence)
    assert learned.by_term  # the ordinary corrections are learned
    for question in (PARTNER,
                     "cliënt durft niet meer naar huis omdat haar man haar elke dag slaat",
                     "buurvrouw hoort de kinderen elke dag huilen en de man schreeuwen"):
        plain, taught = router.route(question), router.route(question, learned=learned)
        assert _place(taught, "veilig-thuis") is not None
        assert _place(taught, "veilig-thuis") <= _place(plain, "veilig-thuis"), question


def test_without_a_signal_corrections_may_lift_a_service_above_a_safety_service(
        demo_router: Router) -> None:
    """Rule 3 holds only where the safety file reads a signal: on a question with none
    (a crying baby, Veilig Thuis first as a filler, outside8 #4), enough people naming
    the Ouder- en Kindteam lift it above Veilig Thuis."""

    # session 17: the ⚠ from the examples (dangerknn) reads this question as a danger
    # (a strict xfail below); rule 3 without a signal is measured with that rule off
    router = Router(demo_router.map, tuning=dataclasses.replace(
        demo_router.tuning, danger_signal_share=None))
    question = "baby van 8 maanden huilt de hele nacht, de moeder is uitgeput"
    plain = router.route(question)
    assert not plain.safety and not plain.caution
    assert _place(plain, "veilig-thuis") == 0
    answered = tuple(r.service_id for r in plain.results[:3])
    learned = learned_from(_two_people_say(router, question, answered, "okt", people=50))
    assert _place(router.route(question, learned=learned), "okt") == 0


def test_everyday_words_weigh_little(router: Router) -> None:
    """Informativeness on the map: "man" and "dag" are used for nearly every service,
    "alcohol" and "rolstoel" for one or two; a word the map never uses counts fully."""
    weight = {w: router.informativeness(router.analyzer.stem(w))
              for w in ("man", "dag", "huis", "alcohol", "rolstoel")}
    assert max(weight["man"], weight["dag"], weight["huis"]) < 0.3, weight
    assert min(weight["alcohol"], weight["rolstoel"]) > 0.5, weight
    assert router.informativeness("zzzonbekend") == 1.0
    # the weight scales the votes: two votes on "man" add far less than on "alcohol"
    man, alcohol = router.analyzer.stem("man"), router.analyzer.stem("alcohol")
    learned = learned_from([Evidence(t, "poh-ggz", 1, f"F{n}")
                            for t in (man, alcohol) for n in (1, 2)])
    on_man = learned.boosts([man], weight=router.informativeness)["poh-ggz"]
    on_alcohol = learned.boosts([alcohol], weight=router.informativeness)["poh-ggz"]
    assert on_man < 0.1 < on_alcohol < learned.boosts([alcohol])["poh-ggz"]


def test_evidence_for_a_safety_service_still_counts() -> None:
    """Learning may lift a safety service (two people naming Veilig Thuis for danger
    in words the safety file does not know), never lower it."""
    from busbaan.routing.learning import Association, held_back

    protected = frozenset({"vt-advies-melding"})
    assert held_back(Association("klap", "vt-advies-melding", 2, 2), protected) is None
    assert held_back(Association("klap", "vt-advies-melding", -2, 2),
                     protected) == "safety_service"
    assert held_back(Association("klap", "vt-advies-melding", 2, 1), protected) == "support"
    learned = learned_from([Evidence("klap", "vt-advies-melding", d, f"F{n}")
                            for n, d in ((1, 1), (2, 1))])
    assert learned.boosts(["klap"], protected=protected)["vt-advies-melding"] > 0
    against = learned_from([Evidence("klap", "vt-advies-melding", -1, f"F{n}")
                            for n in (1, 2)])
    assert against.boosts(["klap"], protected=protected) == {}


@pytest.mark.xfail(strict=True, reason=(
    "session 17, the ⚠ from the examples (dangerknn): a crying baby and an exhausted "
    "mother sit among Veilig Thuis's neglect examples, more than half of the nearest; "
    "nothing in the words keeps the rule quiet (near10-038 has the same cause)"))
def test_a_crying_baby_and_a_tired_mother_raise_no_warning(demo_router: Router) -> None:
    answer = demo_router.route("baby van 8 maanden huilt de hele nacht, de moeder is uitgeput")
    assert not answer.safety
