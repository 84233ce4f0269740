"""Private case labels, the help's lawful combinations, direct chats and the pointer
(the pure parts of issue 13)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bots.casus.guide import looks_english, pointer
from bots.casus.labels import MyCase, matrix_to, render_my_cases
from busbaan.consent.combinations import lawful_combinations
from busbaan.consent.lawful import check_grant_lawful
from busbaan.errors import PersonalData, UsageError
from busbaan.labels import LabelBook, LabelRules, check_label, normalise, pages
from busbaan.matrix.direct import alone_with
from busbaan.matrix.reply import reply_content
from busbaan.policy import Policy, PolicyError, load_policy

PRIVATE = LabelRules(personal_data="private")
REFUSE = LabelRules(personal_data="refuse")
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


# -- check_label: the one rule ----------------------------------------------------


@pytest.mark.parametrize("rules", [PRIVATE, REFUSE])
def test_a_bsn_is_always_refused_and_never_repeated(rules: LabelRules) -> None:
    """A label with a valid BSN is refused under either policy; the message names the
    kind, never the number."""
    with pytest.raises(PersonalData) as exc:
        check_label("dossier 111 222 333", rules)
    assert exc.value.data["kinds"][0] == "bsn"
    assert "111" not in exc.value.nl and "111" not in exc.value.en


def test_a_name_is_kept_private_with_a_warning_when_the_policy_says_private() -> None:
    """Under ``private`` a titled name is accepted and the professional is warned."""
    checked = check_label("mevrouw Jansen, huurschuld", PRIVATE)
    assert checked.text == "mevrouw Jansen, huurschuld"
    assert checked.warning_kinds == ["name"]
    assert "alleen in uw eigen accountgegevens" in checked.warning("nl")
    assert "your own account data" in checked.warning("en")
    assert "Jansen" not in checked.warning("nl")


def test_a_name_is_refused_when_the_policy_says_refuse() -> None:
    """Under ``refuse`` the same label is refused and nothing is stored."""
    with pytest.raises(PersonalData) as exc:
        check_label("mevrouw Jansen, huurschuld", REFUSE)
    assert "Jansen" not in exc.value.nl and "niets opgeslagen" in exc.value.nl


def test_a_name_typed_in_an_unencrypted_chat_is_refused_even_under_private() -> None:
    """A label typed in a chat the homeserver can read (no encryption while busbaan
    runs with it) is not "visible to you alone": a name is refused, saying why and
    what to do; a neutral label is still kept (outside check s5, finding P)."""
    with pytest.raises(PersonalData) as exc:
        check_label("mevrouw Yilmaz huurschuld", PRIVATE, in_clear=True)
    assert exc.value.data == {"kinds": ["name"], "room_encrypted": False}
    assert "niet versleuteld" in exc.value.nl and "Yilmaz" not in exc.value.nl
    assert "not encrypted" in exc.value.en
    assert check_label("schulden en huur", PRIVATE, in_clear=True).warnings == ()


def test_ten_thousand_characters_are_refused_with_the_limit() -> None:
    """A 10,000-character label is refused (usage), saying the limit, not the text."""
    with pytest.raises(UsageError) as exc:
        check_label("schuld " * 1500, PRIVATE)
    assert exc.value.errcode == "BB_USAGE"
    assert exc.value.data == {"reason": "label_too_long", "max_chars": 80, "chars": 10_499}
    assert "80" in exc.value.nl and "schuld schuld" not in exc.value.nl


def test_an_empty_label_is_a_usage_error() -> None:
    """Whitespace and invisible characters only make an empty label."""
    with pytest.raises(UsageError):
        check_label(" \u202e\u200b\n ", PRIVATE)


def test_emoji_are_kept_and_counted_as_characters() -> None:
    """Emoji (also joined sequences) are kept whole; 80 of them fit, 81 do not."""
    family = "👨\u200d👩\u200d👧"
    assert check_label(f"gezin {family} 🏠💶", PRIVATE).text == f"gezin {family} 🏠💶"
    assert check_label("💶" * 80, PRIVATE).text == "💶" * 80
    with pytest.raises(UsageError):
        check_label("💶" * 81, PRIVATE)


def test_right_to_left_text_is_kept_but_direction_overrides_are_dropped() -> None:
    """Arabic and Hebrew labels are stored as typed; bidi overrides and isolates that
    could make another case id appear are removed."""
    assert check_label("ديون وإيجار", PRIVATE).text == "ديون وإيجار"
    assert check_label("חובות ושכירות", PRIVATE).text == "חובות ושכירות"
    assert check_label("huur \u202eA4XM2QK7-C\u202c", PRIVATE).text == "huur A4XM2QK7-C"
    assert normalise("a\u2066b\u2069\tc\nd") == "ab c d"


def test_the_policy_chooses_the_rule(policy: Policy, policy_copy: Path) -> None:
    """The shipped policy keeps labels private; ``refuse`` and the length come from
    limits.yaml, and a wrong value is reported with file, rule and field."""
    assert LabelRules.of(policy) == LabelRules(max_chars=80, personal_data="private")
    limits = policy_copy / "limits.yaml"
    text = limits.read_text()
    limits.write_text(text.replace("personal_data: private", "personal_data: refuse")
                      .replace("max_chars: 80", "max_chars: 40"))
    assert LabelRules.of(load_policy(policy_copy)) == LabelRules(40, "refuse")
    limits.write_text(text.replace("personal_data: private", "personal_data: maybe"))
    with pytest.raises(PolicyError) as exc:
        load_policy(policy_copy)
    assert "limits.yaml: labels:" in str(exc.value) and "personal_data" in str(exc.value)


# -- the account data ---------------------------------------------------------------


def test_the_book_keeps_labels_per_room_and_drops_what_does_not_parse() -> None:
    """Entries a client mangled are dropped; set and remove touch one room only."""
    book = LabelBook.parse({"v": 1, "rooms": {
        "!a": {"case_id": "C-AAAAAAAA", "label": "huur"},
        "!b": {"label": "no case id"},
        "not-a-room": {"case_id": "C-BBBBBBBB", "label": "x"},
        "!c": "garbage"}})
    assert set(book.rooms) == {"!a"}
    book = book.with_label("!d", "C-DDDDDDDD", "schulden", NOW)
    assert book.label("!d") == "schulden" and book.label("!a") == "huur"
    content = book.without("!a").content()
    assert content == {"v": 1, "rooms": {"!d": {"case_id": "C-DDDDDDDD", "label": "schulden",
                                                "updated_at": "2026-12-03T10:00:00Z"}}}
    assert LabelBook.parse(None).rooms == {} and LabelBook.parse({"rooms": []}).rooms == {}


# -- !mijn-casussen pages -------------------------------------------------------------


def _case(i: int, label: str | None) -> MyCase:
    return MyCase(f"C-{i:08d}", f"!room{i:04d}abcdefghijklmnopqrstuvwxyz", label,
                  "@regie:example.org", NOW - dt.timedelta(minutes=i))


def test_two_hundred_cases_with_the_largest_labels_fit_in_matrix_events() -> None:
    """200 cases whose labels are 80 four-byte emoji are listed over pages that each
    stay far below Synapse's 65,536-byte event limit, every case exactly once."""
    listed = [_case(i, "🏠" * 80) for i in range(200)]
    first = render_my_cases(listed, sender="@regie:example.org", lang="nl",
                            server="example.org", page=1, query="", total=200, labels_ok=True)
    n = first.data["pages"]
    assert 2 <= n <= 40
    seen: list[str] = []
    for page in range(1, n + 1):
        reply = render_my_cases(listed, sender="@regie:example.org", lang="nl",
                                server="example.org", page=page, query="", total=200,
                                labels_ok=True)
        content = reply_content(command="mijn-casussen", ok=True, body=reply.body,
                                html_body=reply.html, data=reply.data, in_reply_to="$e")
        assert len(json.dumps(content).encode()) < 48_000
        seen += [c["case_id"] for c in reply.data["cases"]]
        assert (f"!mijn-casussen {page + 1}" in reply.body) == (page < n)
    assert seen == [c.case_id for c in listed]


def test_short_labels_fit_many_to_a_page_and_a_page_past_the_end_is_refused() -> None:
    """Ordinary labels give few pages; asking for a page that does not exist says how
    many there are."""
    listed = [_case(i, f"schulden {i}") for i in range(200)]
    reply = render_my_cases(listed, sender="@x:example.org", lang="en", server="example.org",
                            page=1, query="", total=200, labels_ok=True)
    assert reply.data["pages"] <= 8 and "page 1 of" in reply.body
    assert "regie: @regie:example.org" in reply.body
    with pytest.raises(UsageError) as exc:
        render_my_cases(listed, sender="@x:example.org", lang="nl", server="example.org",
                        page=99, query="", total=200, labels_ok=True)
    assert exc.value.data == {"pages": reply.data["pages"]}


def test_pages_always_hold_at_least_one_entry() -> None:
    """An entry larger than the budget still gets a page of its own."""
    assert pages([{"x": "y" * 100}] * 3, budget=10) == [[0], [1], [2]]
    assert pages([]) == [[]]


def test_matrix_to_links_name_the_server_for_room_version_12_ids() -> None:
    """A room id without a server part is linked with ``via``."""
    assert matrix_to("!abc", "example.org") == "https://matrix.to/#/!abc?via=example.org"


# -- !help toestemming: lawful combinations, asked of the one rule ----------------------


def test_combinations_are_exactly_what_check_grant_lawful_allows(policy: Policy) -> None:
    """Every listed combination is lawful and every plain category left out of a
    basis is not: the help never holds a second copy of the rules."""
    for org in policy.organisations:
        combos = lawful_combinations(policy, org.id)
        for combo in combos:
            assert check_grant_lawful(policy, org.id, combo.categories, combo.legal_bases) == []
        for basis in (b for b in policy.legal_bases if not b.is_art9):
            listed = {c for x in combos if x.legal_bases == (basis.id,) for c in x.categories}
            for cat in policy.categories:
                if cat.special is None and cat.id not in listed:
                    assert check_grant_lawful(policy, org.id, [cat.id], [basis.id])


def test_a_public_task_body_gets_no_consent_combination(policy: Policy) -> None:
    """The income department cannot rest on consent; an informal initiative can."""
    inkomen = lawful_combinations(policy, "inkomen")
    assert inkomen and all("toestemming" not in c.legal_bases for c in inkomen)
    humanitas = lawful_combinations(policy, "humanitas")
    assert any(c.legal_bases == ("toestemming",) for c in humanitas)
    assert lawful_combinations(policy, "banaan") == []


# -- no silence ---------------------------------------------------------------------


def test_a_direct_chat_is_one_person_and_the_bot_whatever_its_name() -> None:
    """Exactly one other member makes a direct chat; two others or none do not."""
    assert alone_with({"@bot:x", "@a:x"}, "@bot:x") == "@a:x"
    assert alone_with({"@bot:x", "@a:x", "@b:x"}, "@bot:x") is None
    assert alone_with({"@bot:x"}, "@bot:x") is None


@pytest.mark.parametrize(("text", "lang"), [
    ("hallo, wat kan je?", "nl"), ("hello, what can you do?", "en"),
    ("help", "nl"), ("Can you help me with a case?", "en"), ("👋", "nl"),
    ("مرحبا", "nl"), ("!foo bar", "nl"), ("!what is this", "en")])
def test_the_pointer_answers_in_the_language_of_the_message(text: str, lang: str) -> None:
    """Free text gets a pointer to !help in Dutch, or English when it looks English."""
    got, body, html = pointer(text)
    assert got == lang
    assert ("!help" in body) and ("casus-bot" in body if lang == "nl" else "casus bot" in body)
    assert html.startswith("<p>")
    assert ("ken ik niet" in body or "don't know that command" in body) == text.startswith("!")


def test_english_needs_more_english_than_dutch_words() -> None:
    """A mixed message with more Dutch than English function words is Dutch."""
    assert looks_english("the case") and not looks_english("de casus is the")
