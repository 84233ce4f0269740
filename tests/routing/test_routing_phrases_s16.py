"""A phrase the lexicon translates counts once in the example vote; two signalled safety
desks are ordered by the question's own words (session 9, router16).

"health insurance" is one thing in two words. Each English word is rare in the mostly
Dutch example questions, so an example using both words earned two rare words' worth,
while an example with the translation (zorgverzekering) earned one: the phrase counted
twice where it was written in English, and the service with English examples of the
phrase won whatever else the question said. Questions here are written for this file.
"""

from __future__ import annotations

from busbaan.routing import Router
from busbaan.routing.text import Term, phrase_alternatives


def ids(router: Router, question: str, n: int = 3) -> list[str]:
    return [r.service_id for r in router.route(question, {}).results[:n]]


def test_a_phrase_and_its_translation_are_alternatives() -> None:
    terms = [
        Term("health", 1.0, "health", "word"),
        Term("insuranc", 1.0, "insurance", "word"),
        Term("two", 1.0, "two", "word"),
        Term("zorgverzek", 1.0, "health insurance", "english"),
        Term("zorg", 0.5, "health insurance", "english"),
    ]
    assert phrase_alternatives(terms) == [
        ((frozenset({"health"}), frozenset({"insuranc"})), frozenset({"zorgverzek", "zorg"}), True)]


def test_a_stem_another_word_brings_in_counts_on_its_own() -> None:
    terms = [
        Term("geen", 1.0, "geen", "word"),  # (a stopword would bring no term at all)
        Term("inkom", 1.0, "inkomen", "word"),
        Term("bijstand", 0.6, "geen inkomen", "related"),
        Term("bijstand", 1.0, "bijstand", "word"),
        Term("levensonderhoud", 0.6, "geen inkomen", "related"),
    ]
    assert phrase_alternatives(terms) == [
        ((frozenset({"geen"}), frozenset({"inkom"})), frozenset({"levensonderhoud"}), False)]


def test_a_dutch_phrase_keeps_its_words_say(router: Router) -> None:
    # "baan kwijt" is also werkloos (related), but the words are the question's own
    assert ids(router, "Ik ben 38, vader van drie kinderen, en mijn baan kwijt. "
               "Waar vraag ik een uitkering aan?")[0] in {"uwv-ww", "wpi-bijstand"}


def test_single_words_are_no_phrase() -> None:
    assert phrase_alternatives([Term("debt", 1.0, "debt", "word"),
                                Term("schuld", 1.0, "debt", "english")]) == []


def test_english_arrears_on_insurance_and_a_contract_go_to_early_warning(
        router: Router) -> None:
    # before: the collective insurance first (its examples say "health insurance")
    assert ids(router, "I fell behind on my health insurance premium and a phone contract"
               )[0] == "shv-vroegsignalering"


def test_the_insurance_stays_in_the_top_three_when_it_is_the_need(router: Router) -> None:
    assert "wpi-collectieve-zorgverzekering" in ids(
        router, "Can I get a cheaper health insurance with a low income?")


# ------------------------------------------ two safety desks: the question's words order them


def test_a_confused_tenant_shouting_and_throwing_goes_to_the_vangnet_first(
        router: Router) -> None:
    # a psychiatric crisis (poisoned by the neighbours) with shouting and throwing: the
    # crisis desk first (before session 16: Veilig Thuis first, the file's order). Until
    # session 14 partner violence was signalled beside it on "schreeuwt, gooit"; since
    # safety37 (outside17 o17-08) partner_violence read from a rule yields to a
    # psychiatric crisis read from the same words: no partner is named here
    answer = router.route("Een huurder schreeuwt op de galerij en gooit met spullen, hij "
                          "zegt dat de buren hem vergiftigen", {})
    assert {h.signal for h in answer.safety} == {"psychiatric_crisis"}
    assert answer.results[0].service_id == "ggd-vangnet"


def test_two_desks_both_stay_first_whatever_their_order(router: Router) -> None:
    answer = router.route("Mijn man slaat me en hij hoort sinds kort stemmen die zeggen "
                          "dat ik hem vergiftig", {})
    assert {r.service_id for r in answer.results[:2]} == {"vt-advies-melding", "ggd-vangnet"}



# ------------------------------------- "leren" with an infinitive: the infinitive is the need


def test_learn_next_to_an_infinitive_is_carried() -> None:
    from busbaan.routing.text import carrying_learn
    assert carrying_learn("mijn cliënt wil leren koken") == {3}
    assert carrying_learn("ze wil fietsen leren") == {3}
    assert carrying_learn("he wants to learn to swim") == {3}


def test_learn_with_a_noun_or_a_modal_is_the_need() -> None:
    from busbaan.routing.text import carrying_learn
    assert carrying_learn("zij wil Nederlands leren") == frozenset()
    assert carrying_learn("wij willen leren") == frozenset()
    assert carrying_learn("she wants to learn English") == frozenset()


def test_learning_to_cook_is_no_language_course(demo_router: Router) -> None:
    # before: the Taalhuis first, on "leren" alone
    assert "taalhuis" not in ids(demo_router, "mijn buurman wil leren koken")


def test_learning_to_read_still_goes_to_the_taalhuis(demo_router: Router) -> None:
    assert ids(demo_router, "hij wil beter leren lezen en schrijven")[0] == "taalhuis"


# ------------------------------------------- "in mijn bus": the asker's own place says where


def test_in_the_askers_own_place_is_a_place() -> None:
    from busbaan.routing.text import place_context, words

    def placed(text: str) -> list[str]:
        found = words(text)
        return [found[i] for i in sorted(place_context(text))]

    assert placed("Een reiziger in mijn tram roept dat hij gevolgd wordt") == ["tram"]
    assert placed("a customer in our shop is confused") == ["shop"]
    assert placed("ik zit in de bijstand en heb schulden") == []  # the need itself
    assert placed("kan ik in mijn huis blijven") == []  # after a modal: the need


def test_a_confused_passenger_in_my_tram_is_no_transport_question(router: Router) -> None:
    # before: the adapted transport (wmo-vervoer) first, on "tram"
    top = ids(router, "Een reiziger in mijn tram praat tegen mensen die er niet zijn en "
                      "roept dat iedereen hem achtervolgt")
    assert top[0] == "ggd-vangnet"
    assert "wmo-vervoer" not in top


# ---------------------------------------- a child's crisis: the family's adult services close


def test_a_confused_daughter_of_16_is_not_sent_to_the_adult_vangnet(router: Router) -> None:
    # the context's 45 is the parent's; the danger is the daughter's (minor_age 16), and
    # the GGD Vangnet (18+) was first; now excluded for the question, OKT first
    answer = router.route("dochter 16 is totaal verward, slaapt niet meer en zegt dat ze "
                          "achtervolgd wordt", {"leeftijd": 45})
    top = [r.service_id for r in answer.results[:3]]
    assert "ggd-vangnet" not in top
    assert top[0] == "okt-opvoedondersteuning"
    assert any(e.service_id == "ggd-vangnet" and e.reason == "age" for e in answer.excluded)


def test_an_adults_crisis_keeps_the_vangnet(router: Router) -> None:
    answer = router.route("mijn man van 50 is totaal verward, slaapt niet meer en zegt dat "
                          "hij achtervolgd wordt", {"leeftijd": 45})
    assert "ggd-vangnet" in [r.service_id for r in answer.results[:3]]
