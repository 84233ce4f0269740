"""Dutch-aware text processing for routing (pure).

A question and a service description go through the same steps: fold case and
accents, cut into words, split compounds against the map's own vocabulary
("huurachterstand" -> "huur" + "achterstand"), stem with the Snowball Dutch (Porter) stemmer
plus a few spelling rules it lacks (dakloos/dakloze). A question additionally gets
its abbreviations, related words and English words expanded (:mod:`.lexicon`) and its
unknown words corrected against the vocabulary (typos; a final d/t error from four
letters). How a phone writer spells is read as the words meant: chat spellings are
written out ("mn" -> "mijn", "nie" -> "niet", :data:`.lexicon.CHAT`) and a compound
split in two ("ouder bijdrage") is read as one word when the map writes it so.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import itertools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import simplemma
import snowballstemmer
from rapidfuzz import fuzz, process

from busbaan.numerals import is_number_word
from busbaan.routing import commonness, lexicon
from busbaan.routing.lexicon import fold

#: Weights of the kinds of evidence a question term can carry.
WEIGHT_WORD = 1.0
WEIGHT_PART = 0.5  # a part of a compound word
#: The prefix of an example question's stem kept apart (:meth:`Analyzer.terms`): a word
#: no question's word has as its stem (stems are made of letters and digits).
APART = "~"
WEIGHT_ABBREVIATION = 1.0
WEIGHT_ENGLISH = 1.0
WEIGHT_RELATED = 0.6
WEIGHT_TYPO = 0.7
WEIGHT_WEAK = 0.4  # an everyday word (lexicon.WEAK_WORDS)

_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[a-z0-9]+|[.,;:!?()]")
#: Negations and contrast markers (Dutch, English grammar words, not domain words).
NEGATIONS = frozenset(["geen", "niet", "nooit", "no", "not", "never",
                       # English negative contractions as :func:`words` reads them (the
                       # apostrophe dropped: "isn't" -> "isnt"); any English grammar
                       "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt",
                       "hasnt", "havent", "hadnt", "cant", "cannot", "couldnt", "wouldnt",
                       "shouldnt", "wont", "aint", "neednt", "mustnt",
                       # negative pronouns (session 11, router23): "er is nog niks
                       # dichtgedraaid, maar ...", "nothing has been cut off, but ..."
                       *("niks", "niets", "niemand", "nothing", "nobody")])
#: The negative pronouns of :data:`NEGATIONS`: in a clause that is ruled out they are
#: ruled out with it ("niemand doet elkaar iets hoor": no one, not loneliness).
NEGATIVE_PRONOUNS = frozenset(["niks", "niets", "niemand", "nothing", "nobody"])
CONTRASTS = frozenset(["maar", "wel", "but", "however", "though"])
#: Adverbs that make "maar" an adverb with them, not the contrast that opens a clause:
#: "alleen maar" and "slechts maar" (only), "nog maar" (only just), "ook maar" (even),
#: "pas maar op" (Van Dale "maar" bw. 1-3; ANS 8.3.4: "maar" as a focus particle).
#: "ze heeft geen werk, ze zit alleen maar thuis" contrasts nothing with "geen werk"
#: (session 14, router28; retired h27-046 lost "werk" and "opleiding" to it).
MAAR_ADVERBS = frozenset(["alleen", "slechts", "nog", "ook", "pas"])
#: How many words a negation rules out (forward, or backward when it ends the clause).
NEGATION_SCOPE = 3
#: Denials (Dutch and English idiom, grammar not domain words): a negated clause that
#: says a topic is *not* the matter needs no contrast to rule it out. "Geld is geen
#: probleem", "verder geen problemen met geld", "no money problems": the negation's
#: object is the word "problem" ...
DENIED_NOUNS = frozenset(["probleem", "problemen", "problem", "problems", "issue", "issues"])
#: ... or the negation's object is "gevaar" ("niemand is in gevaar", "geen acuut gevaar",
#: "no one is in danger"): the asker says the matter is *not* a danger. Only the words
#: from the negation to the noun are ruled out: the rest of the clause may say what it
#: is instead ("de huisarts zegt dat het rouw is en geen gevaar"). Session 13, router27:
#: s26's near misses; the danger reader reads its own cues, this keeps the words from
#: the ranking only.
DENIED_DANGER = frozenset(["gevaar", "danger"])
#: ... or a hedge closes the negated words: "geen drugs of zo", "no depression or
#: anything".
HEDGES = (("of", "zo"), ("ofzo",), ("or", "anything"), ("or", "something"),
          # the Dutch reassuring tag "hoor" after a negation: "geen geweld hoor",
          # "niemand doet elkaar iets hoor" (ANS 15.4 modale partikels; router23)
          ("hoor",))
#: ... or the negation is a finding that something is absent ("er is geen sprake van
#: geweld", "geen aanwijzingen voor schulden", "no sign of abuse"): the words after the
#: frame's preposition, to the clause's end, are what is absent (outside10 #9; the
#: phrases of case notes and reports, Dutch and English grammar, not domain words).
DENIAL_FRAMES = frozenset(["sprake", "teken", "tekenen", "signaal", "signalen", "aanwijzing",
                           "aanwijzingen", "sign", "signs", "evidence", "indication"])
DENIAL_PREPOSITIONS = frozenset(["van", "voor", "op", "of", "for"])
#: A right denied ("geen recht op WW", "geen aanspraak op een uitkering", "not entitled
#: to unemployment benefit", "not eligible for"): the provision the words name is one
#: that does *not* apply (:func:`denied_provisions`). Sources: the entitlement phrases
#: of Dutch and English benefit law, grammar words, no service name (session 13,
#: router27).
ENTITLEMENT_FRAMES = frozenset(["recht", "aanspraak", "entitled", "eligible", "right"])
ENTITLEMENT_PREPOSITIONS = frozenset(["op", "to", "for"])
#: Verbs of needing (Dutch and English grammar words): the object of "hoeven" (which
#: Dutch uses only with a negation: "ik hoef geen advocaat", "hij hoeft geen
#: schuldhulp") or of a negated "need" ("we don't need a lawyer"), and "geen X nodig",
#: is *not* what is asked (:func:`denied_provisions`; session 13, router27: s26's
#: "explicit negation of the obvious service"). Only the noun negation "geen" and
#: English "don't need": "hoeft het niet te betalen" is the need of a remission.
NEED_VERBS = frozenset(["hoef", "hoeft", "hoeven", "hoefde", "hoefden",
                        "need", "needs", "needed"])
NOT_NEEDED = "nodig"
#: English "have to", "has to" (the need verb of obligation; Dutch "hoeven" in a negation: "I don't
#: have to do the exam" = "ik hoef het examen niet te doen").
HAVE = frozenset(["have", "has", "had"])
TO = "to"
#: "No longer" (Dutch "niet meer", English "not ... anymore", "no longer"; grammar
#: words): a need negated with it is over, an exemption ("ik hoef niet meer in te
#: burgeren", "I don't have to do the integration exam anymore"): its object is not what
#: is asked, even where a "te"/"to" infinitive follows (session 16, router36: the retired
#: s33's newcomer who no longer has to do the exam asks where to practise Dutch).
NO_LONGER = frozenset(["meer", "anymore", "longer"])
#: Words that may follow the negation at the end of a clause whose object was put first
#: ("Geld voor meubels hoef ik niet", "Een advocaat heb ik niet nodig"; ANS 14.2: a
#: fronted object, the finite verb second): the clause ends in its negation.
CLAUSE_END_AFTER_NEGATION = NO_LONGER | frozenset([NOT_NEEDED, "echt", "hoor", "zo"])
#: Locative prepositions (Dutch and English grammar words, not domain words): the noun
#: they govern says *where* something happens ("gepest op school", "bullied at
#: school", "bijt op de opvang"), not what the need is. "naar" is left out on purpose:
#: "niet naar school" is about going to school, the need itself.
LOCATIVES = frozenset(["op", "at"])
#: "in" says where only with the asker's own place after it ("in mijn bus", "in onze
#: winkel", "in my class": where the one who writes works or lives); otherwise it is as
#: often the need ("in de bijstand", "in de schulden", "in de war"). Grammar words.
INSIDE = frozenset(["in"])
FIRST_PERSON_POSSESSIVES = frozenset(["mijn", "onze", "ons", "my", "our"])
#: Dutch modal verbs and "gaan" (grammar words, router10): after one of them "op" is
#: where someone wants to go or join, which is the need itself ("wil op zwemles", "mag
#: op judo", "kan hij op voetbal?", "gaat op kamp"), not where something happens.
DESTINATION_VERBS = frozenset([
    "wil", "wilt", "willen", "wilde", "wilden", "wou", "mag", "mogen", "mocht", "kan",
    "kun", "kunt", "kunnen", "kon", "konden", "gaat", "ga", "gaan", "ging", "gingen",
])
#: How many words before "op" such a verb may stand ("kan mijn zoontje van 7 via de
#: gemeente goedkoper op zwemles?"), within its clause: a conjunction opens a new one
#: ("ik kan niet slapen omdat hij op school gepest wordt": "op school" is a place).
DESTINATION_SPAN = 10
CLAUSE_OPENERS = frozenset([
    "en", "maar", "omdat", "want", "dat", "als", "die", "terwijl", "sinds", "toen",
    "nadat", "zodat", "of", "and", "but", "because", "since", "when", "while", "that",
])
#: Determiners that may stand between the preposition and its noun (grammar words).
DETERMINERS = frozenset([
    "de", "het", "een", "the", "a", "an", "mijn", "zijn", "haar", "hun", "ons", "onze",
    "jouw", "je", "my", "his", "her", "their", "our", "your",
])
#: "Not knowing where to go" (grammar words, Dutch and English): a verb of knowing,
#: negated within :data:`LOST_SPAN` words, followed within that span by a question word
#: of place or person ("weet niet bij wie ik moet zijn", "geen idee waar ik heen moet",
#: "not sure who to talk to"). :func:`says_lost`.
KNOWING = frozenset(["weet", "weten", "wist", "idee", "know", "knows", "sure", "idea"])
LOST_NEGATIONS = frozenset(["niet", "nie", "geen", "not", "dont", "doesnt", "didnt", "no"])
PLACE_OR_PERSON = frozenset(["waar", "waarheen", "wie", "where", "who", "whom"])
LOST_SPAN = 4
_APOSTROPHE = re.compile(r"(?<=[a-z])['’`](?=[a-z])")
#: Dutch elided articles: "'s nachts", "'s avonds" (des), "'t" (het), "'n" (een). Their
#: letter is a grammar word, not a word of the need: read as a word it was 's', which
#: matched every service whose text says "'s avonds" (outside12: "past bij: s, nachts").
#: Matched before folding, which drops a curly apostrophe and would leave a bare 's'.
_ELIDED_ARTICLE = re.compile(r"(?<![^\W_])['’‘`][stn](?![^\W_])", re.IGNORECASE)
_ELIDED = re.compile(r"\b([a-z]{2,})-\s+(en|of|and|or)\s+([a-z]{4,})")
_LINKERS = ("", "s", "en", "e", "er")
_MIN_HEAD = 3
_MIN_TAIL = 4
_MIN_COMPOUND = 7
# Longer than any compound a question uses: a pasted link, code or run of letters is no
# compound, and splitting one costs more than cubic time in its length (outside check s5:
# 2,000 letters took the bot's one worker 40 s).
_MAX_COMPOUND = 40  # the longest word of the map and the question sets has 29 letters
_MIN_SUFFIX = 6
#: English endings of words of Latin origin and their Dutch spelling (ANS; Van Dale:
#: "participatie", "activiteit", "situatie"): -tion is -tie, -ity is -iteit, -ism is
#: -isme (:meth:`Analyzer._cognate`).
COGNATE_ENDINGS = (("tion", "tie"), ("ity", "iteit"), ("ism", "isme"))
#: The shortest unknown end of a compound read by its known beginning
#: (:meth:`CompoundSplitter.modifier`).
_MIN_MODIFIED = 5
_MIN_PART_FREQ = 2
_MIN_FUZZY = 6
_MIN_DT = 4  # a d/t error is corrected from four letters ('vint' -> 'vind')
_FUZZY_CUTOFF = 85.0
_SURE_FUZZY = 90.0
#: A word this common (Zipf, Dutch or English) is read as Dutch or English.
_READABLE_ZIPF = 3.0
_MAX_CACHE = 50_000  # words; a long-running bot must not grow without bound


#: A tag of pasted markup: '<b>', '</p>', '<img src=x onerror=...>'; a '<' before a
#: digit or a space ('kind <12', 'a < b') is text. No '<' or '>' inside, so each
#: character is looked at a bounded number of times (linear in the text's length).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>")
#: Elements whose content is code, not text: dropped with their tags.
_CODE = re.compile(r"<(script|style)\b", re.IGNORECASE)


def plain_text(text: str) -> str:
    """Pasted markup read as the text it shows (outside11 finding 4: '<b>schulden</b>
    &amp; huur <img ...>' was refused as an unknown language, its tags counted as
    foreign words): comments and script/style elements dropped, each tag a space,
    character references unescaped ('&amp;' -> '&', '&nbsp;' -> a space). Text without
    '<' or '&' is returned as it is. Linear in the text's length (the standard
    library's HTMLParser is not: 80,000 characters of 'a<b ' took a minute). The one
    reading of markup: :meth:`.router.Router.route` and the bot's
    :func:`busbaan.wegwijzer.parse_question` (its personal-data check) use it."""
    if "<" not in text and "&" not in text:
        return text
    out: list[str] = []
    at = 0
    comment, code = text.find("<!--"), _CODE.search(text)
    while comment >= 0 or code is not None:
        # each search starts where the last one ended or past the dropped part: linear
        if code is None or 0 <= comment < code.start():
            out.append(text[at:comment])
            end = text.find("-->", comment + 4)
            at = len(text) if end < 0 else end + 3
        else:
            out.append(text[at:code.start()])
            close = re.compile(rf"</{code.group(1)}\s*>", re.IGNORECASE).search(text, code.end())
            at = len(text) if close is None else close.end()
        out.append(" ")
        if 0 <= comment < at:
            comment = text.find("<!--", at)
        if code is not None and code.start() < at:
            code = _CODE.search(text, at)
    out.append(text[at:])
    read = _TAG.sub(" ", "".join(out))
    return html.unescape(read).replace("\xa0", " ")


def _folded(text: str) -> str:
    """``text`` folded for reading its words: the elided articles dropped
    (:data:`_ELIDED_ARTICLE`), an apostrophe inside a word dropped ('zzp'er' -> 'zzper')."""
    return _APOSTROPHE.sub("", fold(_ELIDED_ARTICLE.sub(" ", text)))


#: An e-mail's closing (the valedictions of Dutch and English letters, not domain
#: words), opening a line or a sentence and ending in a comma or the line: what follows
#: is a signature and a disclaimer, not the question (outside12: "indien", "verzocht" of
#: a pasted e-mail's disclaimer matched WSNP and the Kwijtschelding in a 5,000-character
#: question). A chat client may send the lines joined: "... doen? Met vriendelijke
#: groet, Team ...".
#: Session 15 (router33; the older people of the retired set s31 write formal letters):
#: the formal closings "Hoogachtend", "Met (de meeste) hoogachting", "Met beleefde
#: groet" and "Yours faithfully" too.
_CLOSING = re.compile(
    r"(?:^|(?<=[.!?]))[ \t]*(?:(?:(?:met )?(?:vriendelijke|hartelijke|beleefde|beste|lieve|"
    r"warme) )?groet(?:en|jes)?|m\.? ?v\.? ?g\.?|(?:(?:kind|best|warm|warmest) )?regards"
    r"|best wishes|(?:yours )?(?:sincerely|faithfully)|hoogachtend"
    r"|met (?:de meeste )?hoogachting)(?:[ \t]*,|[ \t.!]*$)",
    re.IGNORECASE | re.MULTILINE)
#: The closing ends the question only after this many words of it.
_MIN_BEFORE_CLOSING = 5


def before_closing(text: str) -> str:
    """``text`` up to an e-mail's closing line (:data:`_CLOSING`: "Met vriendelijke
    groet,", "Kind regards"), or all of it when it has none or too little before it."""
    match = _CLOSING.search(text)
    if match is None or len(words(text[: match.start()])) < _MIN_BEFORE_CLOSING:
        return text
    return text[: match.start()].rstrip()


#: A formal letter's salutation at its start, up to its comma, colon or line end (the
#: salutations of formal Dutch and English letters: "Geachte heer/mevrouw,", "Zeer
#: geachte dames en heren,", "Mijne heren,", "Dear Sir or Madam,", "To whom it may
#: concern:"): it names who is written to, not the need. Session 15 (router33): the
#: older people of the retired set s31 write letters, and "geachte heer" matched the
#: example questions that open the same way (Crisisinterventie schulden for a budget
#: manager). The informal "Beste" and "Lieve" are left: "Beste manier om ..., " opens
#: a question too.
_SALUTATION = re.compile(
    r"\A\s*(?:(?:zeer\s+)?geachte|mijne\s+(?:heren|dames)|dear|to\s+whom)\b"
    r"[^,:;.!?\n]{0,40}(?:[,:;!]|\n)", re.IGNORECASE)


def after_salutation(text: str) -> str:
    """``text`` after a letter's opening salutation (:data:`_SALUTATION`), or all of it
    when it has none or nothing after it."""
    match = _SALUTATION.match(text)
    if match is None or not words(text[match.end():]):
        return text
    return text[match.end():].lstrip()


#: Spellings written out as the words they stand for: chat (:data:`.lexicon.CHAT`) and
#: regional or phonetic Dutch (:data:`.lexicon.REGIONAL`, session 15).
SPELLINGS: Mapping[str, str] = {**lexicon.CHAT, **lexicon.REGIONAL}
_CHAT = re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, SPELLINGS)) + r")(?![a-z0-9])")
_IN_REGIONAL_TEXT = re.compile(r"(?<![a-z0-9])(" + "|".join(lexicon.REGIONAL_IN_CONTEXT)
                               + r")(?![a-z0-9])(?=( +[a-z]+)?)")


def _regional_in_context(match: re.Match[str]) -> str:
    """A spelling of :data:`.lexicon.REGIONAL_IN_CONTEXT` as the regional word; "zien"
    only before a word of its own clause (at the clause's end it is the verb to see)."""
    word, following = match.group(1), (match.group(2) or "").strip()
    if word == "zien" and (not following or following in CLAUSE_OPENERS):
        return word
    return lexicon.REGIONAL_IN_CONTEXT[word]


def unchat(text: str) -> str:
    """``text`` folded (:func:`_folded`) with its chat and regional spellings written
    out (:data:`SPELLINGS`: "m'n"/"mn" -> "mijn", "nie" -> "niet", "every1" ->
    "everyone", Limburgish "ich" -> "ik", Frisian "jild" -> "geld")."""
    return chat_written_out(_folded(text))


#: The documents' texts (a map's and its example questions: a few thousand) whose
#: :func:`unchat` is kept for every router built in a process (:func:`_unchat_kept`);
#: never a question's (:data:`TEXTS_KEPT`).
DOCUMENTS_KEPT = 16384


@functools.lru_cache(maxsize=DOCUMENTS_KEPT)
def _unchat_kept(text: str) -> str:
    """:func:`unchat` of a document's text, kept (session 17, buildspeed: a tenth of a
    later router's build read the same example questions again)."""
    return unchat(text)


#: Chat laughter in any of its spellings ("hahaha", "hihi", "hehe", "lol", "loool",
#: "lmao", "lmfao", "rofl", "xd"; a laughing emoji is "haha" after :func:`.lexicon.fold`):
#: read as the one word "haha" (en.wikipedia "LOL", "Laughter in text"; nl.wikipedia
#: "Chattaal"). Session 14, router28.
_LAUGHTER = re.compile(
    r"(?<![a-z0-9])(?:a?(?:ha){2,}h?|(?:hi){2,}h?|(?:he){2,}h?|lo+l+|lmf?a+o+|rofl|xd+)(?![a-z0-9])")
#: An amount in thousands as chat writes it ("9k schuld", "18k", "6k terugbetalen"): the
#: number in full (en.wiktionary "k": thousand, from the SI prefix kilo-), so that it
#: is read as a number, not as a word that matches the example questions that happen
#: to write the same amount. Session 14, router28 (retired s4, s9, s13, s15, s18, s22,
#: s27).
_THOUSANDS = re.compile(r"(?<![a-z0-9.,])(\d{1,3})k(?![a-z0-9])")


#: An abbreviation of :data:`.lexicon.SHORTHAND`, with the period that marks it when a
#: number, a bracket, a comma or a hyphen follows ("Dhr. 77", "mw. (84)", "dw.-kantoor":
#: that period ends no sentence; before a word it may, and is left).
_SHORTHAND = re.compile(
    r"(?<![a-z0-9.])(" + "|".join(map(re.escape, sorted(lexicon.SHORTHAND, key=len,
                                                         reverse=True)))
    + r")(?:\.(?=\s*[0-9(,;:-]))?(?![a-z0-9])")
#: "ex-" or "oud-" before a role (:data:`.lexicon.FORMER_ROLES`): former, not a word.
_FORMER = re.compile(r"(?<![a-z0-9-])(?:ex|oud)-(?=(?:"
                     + "|".join(map(re.escape, lexicon.FORMER_ROLES)) + "))")
#: A primary-school group as a school's note writes it ("lln. gr. 6", "gr 5"; groups
#: 1-8): "groep", which the readers know as a pupil's year (Taalunie: gr. groep).
_GROUP = re.compile(r"(?<![a-z0-9])gr\.?\s?(?=[1-8](?![0-9]))")
#: An hour written "9u", "17u" or "9.00 u" (Taalunie: u. uur): the number and "uur".
_HOUR = re.compile(r"(?<=[0-9])u(?![a-z0-9])|(?<=[0-9][.:][0-9]{2}) u(?![a-z0-9])")
#: A letter typed three or more times inside a word ("schoool", "veeeel", "heeeel"):
#: Dutch and English spelling never writes a letter three times in a row within a word
#: (Dutch parts a compound with a hyphen or a diaeresis: "zee-eend", "zeeën"), so chat
#: stretches it for stress; read as two. Not a run standing alone ("www", "zzz").
_STRETCHED = re.compile(r"(?<=[a-z])([a-z])\1{2,}|([a-z])\2{2,}(?=[a-z])")


def _unstretched(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2)) * 2


#: A word a writer may have spelt as it is said (:func:`as_spelt`).
_SPOKEN = re.compile(r"(?<![a-z0-9'])([a-z]{3,})(?![a-z0-9'])")
#: From this Zipf frequency a word is everyday Dutch or English (the shipped table's
#: cut-off, :mod:`.commonness`).
_EVERYDAY_ZIPF = 4.0
#: Letters that spell one Dutch sound, written the one way where the word has the other
#: (ANS 1.4 and the Woordenlijst on the spelling of sounds; the confusions that
#: low-literacy writers make most, Stichting Lezen & Schrijven): "g" and "ch" are one
#: sound in most of the Netherlands ("slegt", "gekogt", "dogter"); "tie" in loanwords is
#: said "sie" ("polisie", "informasie"); "ei" and "ij", "au" and "ou" are one sound each
#: ("bleif", "vrauw"); a final "b" is said "p" ("ik hep"); "ae" is the old spelling of
#: "aa" that Zeeuws and Flemish writers keep ("betaeld", "jaer").
SOUND_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("gt", "cht"), ("sie", "tie"), ("ei", "ij"), ("ij", "ei"), ("au", "ou"), ("ou", "au"),
    ("ae", "aa"),
)


def _dutch(word: str) -> bool:
    return simplemma.is_known(word, lang="nl")


def _feminine(word: str) -> bool:
    """True for a feminine noun in "-e" on a noun in "-nt" ("studente", "docente",
    "cliënte", "patiënte"; ANS 3.2, the suffix "-e"): its "-en" form is the plural of the
    masculine noun, not the same word with its "n" said."""
    stem = word[:-1]
    return word.endswith("nte") and (_dutch(stem) or simplemma.is_known(stem, lang="en"))


@functools.lru_cache(maxsize=65536)
def as_spelt(word: str) -> str:
    """The standard spelling of a folded ``word`` that a writer spelt as it is said, or
    ``word``. Only a word that is no Dutch word (simplemma) nor an everyday English one,
    read as a Dutch word:

    - an "-en" without its "n": most speakers do not pronounce it (ANS 2.3,
      n-deletion) and people who write as they speak leave it out: "maande", "pille",
      "brieve", "betale" -> "maanden", "pillen", "brieven", "betalen" (the retired set
      s31: "3 maande" was read as an age of 3, "te veel pille" as no overdose). Here the
      "-e" form may be a rare Dutch word ("maande", of "manen") when the "-en" form is
      an everyday one; an everyday word stays ("vrije", "lage", "make", "wage"), and so
      does a feminine noun ("studente", :func:`_feminine`);
    - one sound spelt the other way (:data:`SOUND_SPELLINGS`): "slegt", "polisie",
      "bleif", "hep" -> "slecht", "politie", "blijf", "heb".

    Session 15, router33 (the phonetic shape of s31)."""
    if (commonness.zipf(word, "nl") >= _EVERYDAY_ZIPF
            or commonness.zipf(word, "en") >= _EVERYDAY_ZIPF):
        return word
    if word.endswith("e") and not _feminine(word):
        full = word + "n"
        if commonness.zipf(full, "nl") >= _EVERYDAY_ZIPF or (
                _dutch(full) and not _dutch(word)
                and not simplemma.is_known(word, lang="en")):
            return full
    if _dutch(word):
        return word
    for said, spelt in SOUND_SPELLINGS:
        if said in word:
            other = word.replace(said, spelt)
            if _dutch(other):
                return other
    if word.endswith("p") and _dutch(word[:-1] + "b"):
        return word[:-1] + "b"
    return word


#: A count of times as notes and chat write it ("1x", "2 x per week", "1 x in het jaar"):
#: the sign read as the word "keer" (Woordenlijst: "x" for "maal, keer"), not as a word
#: "x" that matched the example questions that happen to write it. Session 15, router33.
_TIMES = re.compile(r"(?<![a-z0-9.,])(\d{1,3}) ?x(?![a-z0-9])")


#: How many texts a reading of a whole text keeps (:func:`chat_written_out`,
#: :func:`contrasted_negations`, :func:`corrected_words`, :func:`idiom_words`;
#: :func:`.safety._words_of`, :func:`.context._read`): the ranker, the safety reader
#: and the person's age and place each read the same question, up to a dozen times
#: while it is routed (session 16, speed); a few questions' worth, no more.
TEXTS_KEPT = 32


@functools.lru_cache(maxsize=TEXTS_KEPT)
def chat_written_out(folded: str) -> str:
    """An already folded text with its chat and regional spellings written out
    (:data:`SPELLINGS`), the shorthand of case notes too (:data:`.lexicon.SHORTHAND`,
    "ex-" or "oud-" before a role, a school group, an hour, a stretched letter; session
    15, router32), a word spelt as it is said in its standard spelling (:func:`as_spelt`:
    "maande", "slegt" -> "maanden", "slecht"; session 15, router33), a count of times as
    a count (:data:`_TIMES`: "1x" -> "1 keer"), its laughter read as "haha"
    (:data:`_LAUGHTER`) and its amounts in thousands written in full
    (:data:`_THOUSANDS`); the safety signals read the same spellings as the ranker
    (session 13, safety32)."""
    written = _SHORTHAND.sub(lambda m: lexicon.SHORTHAND[m.group(1)], folded)
    written = _HOUR.sub(" uur", _GROUP.sub("groep ", _FORMER.sub("", written)))
    written = _STRETCHED.sub(_unstretched, written)
    regional = {m.group(1) for m in _CHAT.finditer(written)
                if m.group(1) in lexicon.REGIONAL and m.group(1) not in lexicon.SPOKEN_DUTCH}
    written = _CHAT.sub(lambda m: SPELLINGS[m.group(1)], written)
    if len(regional) >= lexicon.REGIONAL_TEXT_AT:
        written = _IN_REGIONAL_TEXT.sub(_regional_in_context, written)
    written = _SPOKEN.sub(lambda m: as_spelt(m.group(1)), written)
    written = _TIMES.sub(r"\g<1> keer", written)
    return _THOUSANDS.sub(r"\g<1>000", _LAUGHTER.sub("haha", written))


#: Dutch function words that frame a sentence in every Dutch variety, regional speech
#: and phonetic spelling too ("is dao get in de buurt", "d'r is gein cent ... of 't
#: ete"), and that are no everyday word of the other languages people in Amsterdam
#: write in Latin letters (Turkish, Polish, German, French, Spanish, Portuguese,
#: Italian, Indonesian, Papiamento). "is" and "of" are English as well (English is
#: read). The elided "'t", "'n", "'s" count too (:data:`_ELIDED_ARTICLE`), and the
#: clitics "m'n", "z'n". Session 15, router33: the most frequent words of spoken Dutch
#: (Corpus Gesproken Nederlands) that these languages do not share.
DUTCH_MARKERS = frozenset([
    "het", "van", "een", "is", "op", "ik", "of", "om", "dat", "wat", "niet", "geen", "maar",
    "naar", "ook", "nog", "mijn", "zijn", "heb", "hebben", "heeft", "mn", "zn", "'t", "'n",
    "'s",
])
#: Dutch function words that other languages write too: French and Spanish "de" and
#: "en", German and Italian "in". They frame a Dutch sentence only beside a word of
#: :data:`DUTCH_MARKERS` (a Spanish question has "de" and "en", never "het" or "van").
SHARED_MARKERS = frozenset(["de", "en", "in"])
#: A Dutch frame: at least this many different function words, one of them Dutch alone.
FRAME_WORDS = 2


def dutch_frame(text: str) -> bool:
    """True when ``text`` is framed by Dutch function words as written: at least
    :data:`FRAME_WORDS` different ones, one of them of :data:`DUTCH_MARKERS` (an elided
    "'t", "'n" or "'s" counts) -- the frame of a Dutch sentence in any variety, which a
    question in another language lacks even where some of its words are Dutch or where
    it shares "de" and "en" (Spanish). Different words: one homograph said twice is no
    frame (Turkish "iş", work, is "is" folded). Read as written, not after the regional
    spellings are written out: German "ich" is no Dutch "ik"."""
    found = {"'" + m.group(0)[-1].lower() for m in _ELIDED_ARTICLE.finditer(text)}
    found |= set(words(text)) & (DUTCH_MARKERS | SHARED_MARKERS)
    return len(found) >= FRAME_WORDS and bool(found & DUTCH_MARKERS)


@dataclass(frozen=True, slots=True)
class Reading:
    """How much of a question reads as Dutch or English (:meth:`Analyzer.readable`)."""

    #: words of three letters or more read as Dutch or English ...
    read: int
    #: ... of these words
    counted: int
    #: framed by Dutch function words (:func:`dutch_frame`)
    framed: bool


def words(text: str) -> list[str]:
    """Folded words of ``text``: 'Zzp'er (38)' -> ['zzper', '38']; "'s nachts" ->
    ['nachts']."""
    return _WORD.findall(_folded(text))


#: Subject pronouns that make "hoor" the verb ("ik hoor", "hoor ik", "hoor je"): ANS,
#: the finite verb beside its subject. Without one, "hoor" is the particle that softens
#: a statement ("ik ben niks schuldig hoor", "al drieëntachtig hoor maar").
_HEARING_SUBJECTS = frozenset(["ik", "je", "jij", "u", "we", "wij"])


def spoken_particles(said: Sequence[str]) -> frozenset[int]:
    """Positions in ``said`` (folded words) of what a speaker says between the words that
    carry the message, as dictation writes it down (session 13): the particle "hoor"
    (not the verb: :data:`_HEARING_SUBJECTS`) and "zeg maar" ("so to speak").

    Measured and left out: a letter on its own ("s avonds", "zo n": the apostrophe
    dropped). Read as no word, it cost the retired set s25 (leave one set out) two
    first answers and a safety service in the top 3: the lone "s" matched example
    questions written the same way ("s nachts"), a match of style the ranking leans on.
    A spelled-out abbreviation is joined before (:meth:`Analyzer._join_letters`)."""

    def particle(i: int, word: str) -> bool:
        before = said[i - 1] if i else ""
        after = said[i + 1] if i + 1 < len(said) else ""
        if word == "hoor":
            return before not in _HEARING_SUBJECTS and after not in _HEARING_SUBJECTS
        return word == "zeg" and after == "maar"

    return frozenset(i for i, word in enumerate(said) if particle(i, word))


def says_nothing(word: str) -> bool:
    """True for a word that names no need wherever it stands: a stop word, a filler
    (:data:`.lexicon.STOPWORDS`), a number in digits or written out in words
    ("zeventig", "tweeëntachtig": :mod:`busbaan.numerals`; session 13, dictation)."""
    return word in lexicon.STOPWORDS or word.isdigit() or is_number_word(word)


def says_lost(text: str) -> bool:
    """True when ``text`` says its writer does not know where or to whom to go with it
    (:data:`KNOWING`, :data:`LOST_NEGATIONS`, :data:`PLACE_OR_PERSON`): "weet niet bij
    wie ik moet zijn", "heb geen idee waar ik heen moet", "I don't know who to ask"."""
    folded = words(text)
    for i, word in enumerate(folded):
        if (word in KNOWING
                and LOST_NEGATIONS.intersection(folded[max(0, i - LOST_SPAN):i + 3])
                and PLACE_OR_PERSON.intersection(folded[i + 1:i + 1 + LOST_SPAN])):
            return True
    return False


_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: What may stand between a sentence's end and its first word: '. "Wij', '? (Zij'.
_OPENING = " \t\"'‘“(*-"


def capitalised(text: str) -> Iterable[tuple[str, bool]]:
    """(folded word, whether it opens a sentence) for each word of ``text`` written with
    a capital letter: 'Bakker' in 'mevrouw Bakker belt' does not open one, 'Schulden' in
    'Schulden. Schulden heeft ze' does."""
    for match in _LETTERS.finditer(text):
        word = match.group(0)
        if any(c.isupper() for c in word):
            # the last character before the word that is no opening (as
            # ``text[:start].rstrip(_OPENING)[-1]``, without copying the text before it
            # for every capital: a map's long descriptions, buildspeed)
            at = match.start() - 1
            while at >= 0 and text[at] in _OPENING:
                at -= 1
            yield (fold(word).replace("'", "").replace("’", ""),
                   at < 0 or text[at] in ".!?:;\n")


#: The words that, after a number, make it an age: "a 22-year-old", "81 years old", "een
#: jongen van 15 jaar oud", "een 15-jarige" (English and Dutch grammar of age; the
#: number itself is read as the age by :mod:`.context` and never counted as a word).
AGE_UNITS = frozenset(["year", "years", "yr", "yrs", "jaar"])
AGE_OLD = frozenset(["old", "oud"])
AGE_ADJECTIVES = frozenset(["jarige", "jarig"])


def age_words(found: Sequence[str]) -> frozenset[int]:
    """Indices (into ``found``, the words of a text) of the words of an age expression
    after its number: "year" and "old" in "22-year-old", "jarige" in "15-jarige". They
    say how old someone is, which the person's age already says; as words they matched
    every example question that gives an age the same way (session 13, retire13:
    "a 22-year-old international student" with debts put the Ouder- en Kindteam first
    on the "N-year-old" of its English examples about children). A duration ("2 jaar
    schulden", "three years ago") has no "old" and is left alone."""
    out: set[int] = set()
    for i, word in enumerate(found):
        if not word.isdigit() or i + 1 >= len(found):
            continue
        nxt = found[i + 1]
        if nxt in AGE_ADJECTIVES:
            out.add(i + 1)
        elif nxt in AGE_UNITS and i + 2 < len(found) and found[i + 2] in AGE_OLD:
            out.update((i + 1, i + 2))
    return frozenset(out)


@functools.lru_cache(maxsize=TEXTS_KEPT)
def contrasted_negations(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of words ruled out by a contrastive negation.

    "geen schulden, wel eenzaam", "niet dakloos maar ...", "Schulden heeft ze niet,
    maar ...": a negated clause followed by a contrast names what the question is *not*
    about. A negation without a contrast ("geen DigiD", "geen woning") usually names
    the need itself and is kept.
    """
    tokens = _TOKEN.findall(_folded(text))
    folded = [t for t in tokens if t[0].isalnum()]  # indexed as words() is
    clauses: list[list[int]] = [[]]  # word indices per clause
    negated: list[int | None] = [None]  # per clause: position of its negation
    also: dict[int, list[int]] = defaultdict(list)  # per clause: each negation's position
    contrasted: list[bool] = []  # per clause: a contrast opens the next one
    sentence: list[int] = [0]  # per clause: the sentence it is in
    index = 0
    for at, tok in enumerate(tokens):
        contrast = tok in CONTRASTS and not (
            tok == "maar" and at > 0 and tokens[at - 1] in MAAR_ADVERBS)
        if not tok[0].isalnum() or contrast:
            if contrast and contrasted[-1:] == [False] and not clauses[-1]:
                contrasted[-1] = True  # "..., maar": the contrast after the comma
            contrasted.append(contrast)
            clauses.append([])
            negated.append(None)
            sentence.append(sentence[-1] + (tok in ".!?"))
            if contrast:
                index += 1
            continue
        if tok in NEGATIONS:
            if negated[-1] is None:
                negated[-1] = len(clauses[-1])
            also[len(clauses) - 1].append(len(clauses[-1]))
        clauses[-1].append(index)
        index += 1
    contrasted.append(False)
    # "Geen schulden hoor, alles netjes betaald, maar ...": the contrast may follow one
    # clause that only says more about the negated one (same sentence).
    # "Geen schulden, geen huurachterstand, maar ...": negated clauses listed one after
    # another share the contrast that ends the list (same sentence).
    reaches = list(contrasted)
    for n in range(len(clauses) - 2, -1, -1):
        nxt = n + 1
        if reaches[n] or clauses[nxt] == [] or sentence[nxt] != sentence[n]:
            continue
        reaches[n] = (contrasted[nxt] and negated[nxt] is None) or (
            negated[nxt] is not None and reaches[nxt])
    out: set[int] = set()
    for n, (clause, neg, contrast) in enumerate(zip(clauses, negated, reaches, strict=True)):
        if neg is None:
            continue
        if not contrast:
            ruled = _denied(clause, neg, folded)
        else:
            after = clause[neg + 1 : neg + 1 + NEGATION_SCOPE]
            ruled = after if after else clause[max(0, neg - NEGATION_SCOPE) : neg]
            # each further negation of the clause before the contrast rules out its own
            # words: "er is niks afgesloten en er ligt geen brief, maar ..." (router23)
            for other in also[n][1:]:
                ruled = [*ruled, *clause[other + 1 : other + 1 + NEGATION_SCOPE]]
        out.update(ruled)
        if ruled and folded[clause[neg]] in NEGATIVE_PRONOUNS:
            out.add(clause[neg])
    return frozenset(out)


def negated(text: str) -> dict[int, str]:
    """Indices (into :func:`words`) of the words a negation stands before, within
    :data:`NEGATION_SCOPE` words of its clause, and that negation as a reader writes it
    ('hasnt' -> "hasn't"): "not suicidal at all", "geen geld", "kan de huur niet
    betalen". For showing a matched word with its negation (outside12: "not suicidal"
    was shown as "matches: suicidal"); what counts is :func:`contrasted_negations`'s."""
    out: dict[int, str] = {}
    index = 0
    said: list[str] = []  # the negation and the words after it so far
    for tok in _TOKEN.findall(_folded(text)):
        if not tok[0].isalnum():
            said = []
            continue
        if tok in NEGATIONS:
            said = [tok[:-2] + "n't" if tok.endswith("nt") else tok]
        elif tok in CONTRASTS or tok in CLAUSE_OPENERS or len(said) > NEGATION_SCOPE:
            said = []
        elif said:
            # one word between stays ("niet meer leven"); more is left out ("niet betalen")
            out[index] = " ".join(said) if len(said) <= 2 else said[0]
            said.append(tok)
        index += 1
    return out


def _denied(clause: Sequence[int], neg: int, folded: Sequence[str]) -> list[int]:
    """The words a denial rules out (:data:`DENIED_NOUNS`, :data:`HEDGES`,
    :data:`DENIAL_FRAMES`), or none.

    A clause whose negated object is "probleem" denies the whole clause ("geld is geen
    probleem"); a negation whose words end in a hedge denies those words ("geen drugs
    of zo").
    """
    after = clause[neg + 1 : neg + 1 + NEGATION_SCOPE + 2]
    if any(folded[i] in DENIED_NOUNS for i in after[:NEGATION_SCOPE]):
        return list(clause)
    danger = [n for n, i in enumerate(after[:NEGATION_SCOPE]) if folded[i] in DENIED_DANGER]
    if danger:
        return [clause[neg], *after[: danger[0] + 1]]
    if (len(after) > 2 and folded[after[0]] in DENIAL_FRAMES
            and folded[after[1]] in DENIAL_PREPOSITIONS):
        return list(clause[neg + 1 :])
    text = [folded[i] for i in after]
    for hedge in HEDGES:
        for start in range(1, len(text) - len(hedge) + 1):
            if tuple(text[start : start + len(hedge)]) == hedge:
                return list(after[: start + len(hedge)])
    return []


#: A provision out of reach because the income is too high: "te veel" / "too much" after
#: a word of earning in its clause, then "voor" / "om" / "for" / "to" and the provision
#: (ANS 8.4, "te" + adjective + "om/voor": a degree beyond what something allows).
#: Session 15 (router34): the retired s29's and s32's "verdien net te veel voor
#: kwijtschelding" (the asker asks for a payment plan).
TOO = frozenset(["te", "too"])
MUCH = frozenset(["veel", "hoog", "much", "high"])
TOO_FOR = frozenset(["voor", "om", "for", "to"])
EARNING = frozenset(["verdien", "verdient", "verdienen", "verdiende", "verdienden",
                     "inkomen", "salaris", "loon", "earn", "earns", "earned", "earning",
                     "income", "salary", "wage", "wages"])


def _clauses(text: str) -> tuple[list[str], list[list[int]]]:
    """The folded words of ``text`` (as :func:`words` indexes them) and its clauses as
    lists of word indices: a clause ends at punctuation, a contrast or a clause opener
    (the opener itself starts no clause of its own)."""
    tokens = _TOKEN.findall(_folded(text))
    folded = [t for t in tokens if t[0].isalnum()]
    clauses: list[list[int]] = [[]]
    index = 0
    for tok in tokens:
        if not tok[0].isalnum() or tok in CONTRASTS or tok in CLAUSE_OPENERS:
            clauses.append([])
            index += tok[0].isalnum()
            continue
        clauses[-1].append(index)
        index += 1
    return folded, clauses


def denied_provisions(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the object of a right or a need the question
    denies (:data:`ENTITLEMENT_FRAMES`: "geen recht op WW", "not entitled to
    unemployment benefit"; :data:`NEED_VERBS`: "ik hoef geen advocaat", "we don't need
    a lawyer", "geen bewindvoerder nodig"). Unlike a denial's words these stay in the
    question -- "geen recht op WW" is itself what the Bijstand's example questions
    say -- but a service they name is not the one asked for
    (:attr:`.router.Tuning.denied_factor`). Also a provision out of reach by income
    (:data:`EARNING`: "ik verdien net te veel voor kwijtschelding", "I earn too much for
    rent benefit")."""
    folded, clauses = _clauses(text)
    out: set[int] = set()
    for clause in clauses:
        for at, i in enumerate(clause):
            word = folded[i]
            after = clause[at + 2 :]
            if (word in TOO and at + 1 < len(clause) and folded[clause[at + 1]] in MUCH
                    and after and folded[after[0]] in TOO_FOR
                    and any(folded[j] in EARNING for j in clause[:at])):
                out.update(after[1:])
            if word not in NEGATIONS:
                continue
            before = folded[clause[at - 1]] if at > 0 else ""
            after = clause[at + 1 :]
            if (len(after) > 2 and folded[after[0]] in ENTITLEMENT_FRAMES
                    and folded[after[1]] in ENTITLEMENT_PREPOSITIONS):
                out.update(after[2:])
            elif (word == "geen" and (before in NEED_VERBS or any(
                    folded[j] == NOT_NEEDED for j in after[: NEGATION_SCOPE + 1]))) or (
                    word != "geen" and after and folded[after[0]] in NEED_VERBS):
                out.update(j for j in after[: NEGATION_SCOPE + 1]
                           if folded[j] not in NEED_VERBS and folded[j] != NOT_NEEDED)
        out.update(_need_no_more(clause, folded))
    return frozenset(out)


def _need_no_more(clause: Sequence[int], folded: Sequence[str]) -> list[int]:
    """The words of a clause that says a need is over or its object is not needed: a
    need verb (:data:`NEED_VERBS`, English :data:`HAVE` "to") with a negation other than
    "geen" (read by :func:`denied_provisions` itself), and either "no longer"
    (:data:`NO_LONGER`: "ik hoef niet meer in te burgeren", "I don't have to do the exam
    anymore", "no longer have to") or the negation ending the clause after a fronted
    object ("Geld voor meubels hoef ik niet", "Schuldhulp heb ik niet nodig"). Not "hij
    hoeft het niet te betalen": a "te" infinitive after a plain negation is the need of
    a remission. The clause's words but the need verb, the negation and the markers."""
    said = [folded[i] for i in clause]
    needs = [n for n, w in enumerate(said)
             if w in NEED_VERBS or w == NOT_NEEDED
             or (w in HAVE and said[n + 1 : n + 2] == [TO])]
    negations = [n for n, w in enumerate(said) if w in NEGATIONS and w != "geen"
                 and w not in NEGATIVE_PRONOUNS]
    if not needs or not negations:
        return []
    last = negations[-1]
    ends = all(w in CLAUSE_END_AFTER_NEGATION for w in said[last + 1 :]) and (
        last > needs[0] or NOT_NEEDED in said[last + 1 :])
    if not (NO_LONGER & set(said) or ends):
        return []
    markers = {*needs, *(n + 1 for n in needs if said[n] in HAVE), *negations}
    return [i for n, i in enumerate(clause)
            if n not in markers and said[n] not in CLAUSE_END_AFTER_NEGATION]


#: A provision said to run out ("mijn WW loopt over twee maanden af", "wat als de WW op
#: is", "de scholierenvergoeding is op", "when my unemployment benefit runs out"): the
#: asker asks what comes after it, so a service whose name the clause covers is not the
#: one asked for (:attr:`.router.Tuning.denied_factor`), as a denied provision is not
#: (:func:`ended_provisions`). Read anywhere, the ask included: "wat als de WW op is?"
#: asks what comes next. Sources: the Dutch verbs of running out, separable (ANS 2.3.1:
#: "aflopen", "ophouden"; "op zijn" as used up), and the English "run out". Not "stoppen",
#: "stopzetten", "eindigen", "end", "stop": a provision stopped by the one who pays it is
#: what the asker wants back or objects to ("de huurtoeslag stopt nu mijn vriend bij me
#: woont", "in 2014 werd onze kinderopvangtoeslag stopgezet"), and "gestopt met school"
#: is the need. Not "verlopen", "expire": an expired pass is renewed at the same desk. Not
#: "afgelopen" (also "last": "afgelopen week"). Session 15 (router34): the retired s32's
#: next steps (the WW running out).
ENDING_WORDS = frozenset(["afloopt", "ophoudt"])
#: The two words of a separable verb, the second anywhere after the first in the clause;
#: "op" after a form of "zijn" only right beside it ("de WW is op", "als de WW op is"; not
#: "aanvulling op zijn AOW", "is ... op school").
ENDING_PAIRS: tuple[tuple[str, str], ...] = (
    ("loopt", "af"), ("lopen", "af"), ("liep", "af"), ("houdt", "op"), ("houden", "op"),
    ("runs", "out"), ("run", "out"), ("ran", "out"), ("running", "out"),
)
ENDING_ADJACENT: tuple[tuple[str, str], ...] = (("is", "op"), ("op", "is"))
#: "Eindigen" and "end" *with a time still to come* ("mijn WW eindigt over zes weken",
#: "my benefit ends in two months"): the provision runs out on its own term, as with
#: "loopt af"; without one ("de huurtoeslag eindigt", "stopt") it may be stopped by the
#: one who pays it (above). The verb, then "over" / "in" and a unit of time within
#: :data:`ENDING_TIME_SPAN` words (Dutch and English grammar words; session 16,
#: router36: the retired s34's letter "mijn WW eindigt over zes weken", asking what
#: comes after the WW).
ENDING_ON_TERM = frozenset(["eindigt", "eindigen", "ends", "end"])
ENDING_TERM_PREPOSITIONS = frozenset(["over", "in"])
TIME_UNITS = frozenset(["dag", "dagen", "week", "weken", "maand", "maanden", "jaar",
                        "day", "days", "week", "weeks", "month", "months", "year", "years"])
ENDING_TIME_SPAN = 4


def ended_provisions(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words of a clause that says a provision runs
    out (:data:`ENDING_WORDS`, :data:`ENDING_PAIRS`, :data:`ENDING_ADJACENT`), the
    ending words left out; not a negated clause ("de WW loopt niet af")."""
    folded, clauses = _clauses(text)
    out: set[int] = set()
    for clause in clauses:
        said = [folded[i] for i in clause]
        if NEGATIONS & set(said) or NEGATIVE_PRONOUNS & set(said):
            continue
        ending = {n for n, w in enumerate(said) if w in ENDING_WORDS}
        for first, second in ENDING_PAIRS:
            if first in said and second in said[said.index(first) + 1 :]:
                ending |= {said.index(first),
                           said.index(first) + 1 + said[said.index(first) + 1 :].index(second)}
        ending |= {n + k for n, pair in enumerate(pairwise(said)) if pair in ENDING_ADJACENT
                   for k in (0, 1)}
        ending |= {n for n, w in enumerate(said) if w in ENDING_ON_TERM
                   and n + 1 < len(said) and said[n + 1] in ENDING_TERM_PREPOSITIONS
                   and TIME_UNITS & set(said[n + 2 : n + 2 + ENDING_TIME_SPAN])}
        if ending:
            out.update(i for n, i in enumerate(clause) if n not in ending)
    return frozenset(out)


#: A heading that opens a question and ends in a colon ("Schuldhulpmaatje: ...",
#: "Wijkagent in de Pijp: ...", "Verslag huisbezoek energiecoach: ...") names who is
#: writing, in the form of a case note's or a report's first line; the need is in the
#: text after it. At most this many words before the colon ...
FRAME_HEADING_WORDS = 4
#: ... and at least this many after it (a short "Huisarts: depressie?" keeps its words).
FRAME_BODY_WORDS = 8


def asker_frame(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the heading that opens a case note: the words
    before a colon that ends the text's first few words, when a real question follows.
    They say who writes ("Ouderenadviseur:", "Intern begeleider basisschool:"), and a
    service named there is usually the writer's own, not the one the person needs.

    A heading may also end in a full stop, as a verbless first sentence ("Huismeester.",
    "Stagebegeleider mbo.", "Juf groep 3.", "Oud-mentor hier."): then only when it names
    a profession (:func:`_profession`), since a verbless first sentence is as often the
    need itself ("Schulden.", "Geen geld meer.", "Eenzaam."). Session 13, router27: the
    professionals of s24 wrote their role so, and its words ("juf", "groep", "mbo") read
    as the need pulled towards the school services."""
    tokens = _TOKEN.findall(_folded(text))
    head: list[int] = []
    for n, tok in enumerate(tokens):
        if tok == ":" or (tok == "." and any(_profession(tokens[i]) for i in head)):
            body = sum(1 for t in tokens[n + 1 :] if t[0].isalnum())
            if head and body >= FRAME_BODY_WORDS:
                return frozenset(range(len(head)))
            return frozenset()
        if not tok[0].isalnum():
            # a sentence ended, a bracket opened, or a comma lists or contrasts what the
            # text is about ("geen schulden, wel eenzaam: ..."): no heading
            return frozenset()
        if tok[0].isalnum():
            head.append(n)
            if len(head) > FRAME_HEADING_WORDS:
                return frozenset()
    return frozenset()


#: A clause in which the writer says what they are or where they work ("Ik ben een
#: particuliere verhuurder.", "Ik ben zijn mentor op school.", "I work at a housing
#: association."): like a case note's heading it says who writes, not what the person
#: needs (router20's cause "the writer's own role read as the need"). Read by grammar:
#: the subject "ik"/"wij"/"I"/"we" opening a clause, a copula or a verb of working
#: with its preposition, a determiner or possessive (a bare complement is as often a
#: state that is the need: "ik ben zzp'er", "ik ben op"), at most three words, an
#: optional place ("in Noord", "op school"), and the clause ends there.
_INTRO_SUBJECTS = frozenset(["ik", "wij", "we", "i"])
_INTRO_COPULAS = frozenset(["ben", "zijn", "am", "im", "are"])
#: Subject and copula in one contracted word: "I'm a pastor." (:func:`words` reads "I'm"
#: as "im"; session 16, router36: the retired s34's "I'm a SchuldHulpMaatje volunteer."
#: and eight other retired "I'm a/an ..." openings were not read as the writer's role,
#: where "I am a ..." was). Not "were" (a past tense as often as "we're").
_INTRO_CONTRACTED = frozenset(["im"])
_INTRO_WORK = frozenset(["werk", "werken", "work"])
_INTRO_WORK_PREPS = frozenset(["bij", "als", "voor", "at", "as", "for"])
_INTRO_DETERMINERS = frozenset(["een", "de", "het", "zijn", "haar", "hun", "a", "an", "the",
                                "his", "her", "their"])
_INTRO_ADVERBS = frozenset(["alleen", "maar", "gewoon", "zelf", "just", "only"])
#: The heads of Dutch profession nouns (a compound's last part: "wijkverpleegkundige",
#: "jongerenwerker", "klantmanager", "huismeester"): a bare complement ending in one
#: is a role without a determiner ("Ik ben wijkverpleegkundige in West.", "Als
#: verpleegkundige draai ik nachtdiensten"), where "ik ben zzp'er", "ik ben
#: mantelzorger" say the person's state, the need (session 11, router23; source: the
#: occupation titles of the CBS/ROA Beroepenindeling 2014, social, care, education and
#: safety groups, by their head nouns). Session 13 (router27): the occupations outside
#: the social domain that meet a need in their work and write their role as a heading
#: (s24's voices; same source, the groups of education support, pharmacy, sport,
#: transport and line management): trainer, assistent(e), apotheker, chauffeur,
#: coordinator, leider and leidinggevende, opzichter, concierge.
_PROFESSION_HEADS = ("kundige", "werker", "arts", "adviseur", "coach", "consulent",
                     "begeleider", "meester", "agent", "docent", "leraar", "lerares",
                     "leerkracht", "verzorgende", "medewerker", "manager", "therapeut",
                     "verpleger", "pastor", "juf", "mentor", "verlener", "ambtenaar",
                     "bewindvoerder", "verhuurder", "werkgever",
                     "trainer", "assistent", "assistente", "apotheker", "chauffeur",
                     "coordinator", "leider", "leidinggevende", "opzichter", "concierge")


def _profession(word: str) -> bool:
    """Whether ``word`` is a profession noun by its head (:data:`_PROFESSION_HEADS`)."""
    return word.endswith(_PROFESSION_HEADS)
_INTRO_PLACE = frozenset(["in", "bij", "op", "uit", "at", "on", "from"])
_INTRO_END = frozenset([".", ",", ";", "!", "?", ":"])
_INTRO_NOUN_WORDS = 3


def writer_intro(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the clauses in which the writer introduces
    themselves by a role (:data:`_INTRO_SUBJECTS`...), when the text goes on after
    them. A family word in the complement ("ik ben de moeder") is the household, not a
    role (:data:`.lexicon.PERSON_WORDS`, weighed by :func:`described_person`)."""
    tokens = _TOKEN.findall(_folded(text))
    alnum: list[int] = []  # token position -> word index
    n_words = 0
    for tok in tokens:
        alnum.append(n_words if tok[0].isalnum() else -1)
        n_words += tok[0].isalnum()
    found: set[int] = set()
    for start, tok in enumerate(tokens):
        if (tok not in _INTRO_SUBJECTS and tok not in _INTRO_CONTRACTED) or (
                start and tokens[start - 1] not in _INTRO_END):
            continue
        at = start + 1
        if tok in _INTRO_CONTRACTED:
            needs_determiner = True
        elif at < len(tokens) and tokens[at] in _INTRO_WORK:
            at += 1
            if at >= len(tokens) or tokens[at] not in _INTRO_WORK_PREPS:
                continue
            at += 1
            needs_determiner = False
        elif at < len(tokens) and tokens[at] in _INTRO_COPULAS:
            at += 1
            needs_determiner = True
        else:
            continue
        if at < len(tokens) and tokens[at] in _INTRO_ADVERBS:
            at += 1
        if at < len(tokens) and tokens[at] in _INTRO_DETERMINERS:
            at += 1
        elif needs_determiner and not (at < len(tokens) and _profession(tokens[at])):
            continue
        noun = 0
        while (at < len(tokens) and tokens[at][0].isalpha() and noun < _INTRO_NOUN_WORDS
               and tokens[at] not in _INTRO_PLACE):
            noun, at = noun + 1, at + 1
        if not noun or any(tokens[i] in lexicon.PERSON_WORDS or tokens[i] in NEGATIONS
                           for i in range(start, at)):
            continue
        if at < len(tokens) and tokens[at] in _INTRO_PLACE:
            place = at + 1
            while place < len(tokens) and tokens[place][0].isalpha() and place - at <= 3:
                place += 1
            at = place
        if at < len(tokens) and tokens[at] not in _INTRO_END:
            continue
        if not any(t[0].isalnum() for t in tokens[at:]):
            continue  # the introduction is the whole text
        found.update(alnum[i] for i in range(start, at) if alnum[i] >= 0)
    found.update(_scene_setter(tokens, alnum))
    # "Als verpleegkundige draai ik nachtdiensten": a sentence that opens with "als" and
    # a profession says in what role the writer speaks
    for start, tok in enumerate(tokens[:-1]):
        if tok != "als" or (start and tokens[start - 1] not in _INTRO_END):
            continue
        at = start + 1 + (tokens[start + 1] in _INTRO_DETERMINERS)
        if at < len(tokens) and _profession(tokens[at]):
            found.update(alnum[i] for i in range(start, at + 1) if alnum[i] >= 0)
    return frozenset(found)


#: The writer's work said by what they do rather than what they are ("Ik rij regiotaxi.",
#: "I coach a youth basketball team.", "Ik bezorg pakketten.", "We run a bakery."): a
#: short opening sentence of the subject "ik"/"wij"/"I"/"we", one verb and its object,
#: after which the text tells of someone else (a third-person pronoun) and never of the
#: writer again (no "ik", "mijn", "I", "my" after it). It sets the scene as "Ik ben
#: buschauffeur." does; its object is where the writer meets the person, not the need
#: (session 17, router39: the retired s38's people in a role outside the social domain;
#: "Ik rij regiotaxi" put the transport service first for a passenger whose wheelchair
#: broke). Not a sentence with a family word, a negation or a first-person possessive
#: ("Ik verzorg mijn moeder.": the writer's own need), nor one whose verb has, needs,
#: wants or is (a copula is read above; "Ik heb schulden." is the need). Grammar words
#: only.
SCENE_MAX_WORDS = 6
SCENE_REST_WORDS = 8
_SCENE_FIRST_PERSON = frozenset(["ik", "me", "mij", "mijn", "m'n", "mn", "i", "im", "ive",
                                 "id", "ill", "my", "mine", "myself", "mezelf", "we", "wij",
                                 "ons", "onze", "our", "us"])
#: The rest tells of someone by a third-person pronoun: "Ik gok online. De schuld groeit
#: elke week." is the writer's own need told on.
_SCENE_THIRD_PERSON = frozenset(["hij", "zij", "ze", "zijn", "haar", "hem", "hun", "he",
                                 "she", "his", "her", "him", "they", "their", "them"])
_SCENE_NOT_VERBS = frozenset([
    "ben", "was", "am", "heb", "had", "have", "has", "zoek", "zoeken", "wil", "willen",
    "want", "need", "needs", "kan", "kunnen", "can", "moet", "must", "mag", "may", "zou",
    "would", "will", "wou", "hoop", "hope", "weet", "know", "denk", "think", "vind",
    "feel", "voel", "krijg", "get", "got", "mis", "miss", "lost", "verloor", "word",
    "become", "zit", "woon", "live", "snap", "understand", "vraag", "ask", "heet", "called",
])


def _scene_setter(tokens: Sequence[str], alnum: Sequence[int]) -> list[int]:
    """Word indices of a text-opening sentence that sets the writer's scene by what the
    writer does (:data:`SCENE_MAX_WORDS`...), or none."""
    end = next((n for n, t in enumerate(tokens) if not t[0].isalnum()), len(tokens))
    if end >= len(tokens) or tokens[end] not in (".", ";", "!"):
        return []
    said = tokens[:end]
    if not 3 <= len(said) <= SCENE_MAX_WORDS or said[0] not in _INTRO_SUBJECTS:
        return []
    if said[1] in _SCENE_NOT_VERBS or said[1] in _INTRO_COPULAS or said[1] in MODALS:
        return []
    if any(w in NEGATIONS or w in lexicon.PERSON_WORDS or w in _SCENE_FIRST_PERSON
           for w in said[1:]):
        return []
    rest = [t for t in tokens[end:] if t[0].isalnum()]
    if (len(rest) < SCENE_REST_WORDS or _SCENE_FIRST_PERSON & set(rest)
            or not _SCENE_THIRD_PERSON & set(rest)):
        return []
    return [alnum[i] for i in range(end)]


#: A sentence asks without a question mark (case notes and phone notes often leave it
#: out, or put the ask in a statement) when it opens as a question does -- a question
#: word, or a finite modal first (Dutch V1 and English inverted questions: "kunnen wij
#: dat aanvragen", "wie pakt dit op") -- or says that it asks or what is sought: an
#: indirect question or a request ("hij vroeg of ...", "ze vraagt om ...", "mijn vraag
#: is ...", "twee vragen: ...", "graag ...", "ze zoekt ...", "ze willen iemand die ...",
#: "she asked whether ...", "he would like someone to ..."). Sources: ANS 13
#: (vraagzinnen: V1 and vraagwoord first; afhankelijke vraagzinnen after "vragen of")
#: and the English interrogative and request formulas; grammar words and verbs of
#: asking and seeking only, no domain word (session 12, router25: s22's case notes).
ASK_OPENERS = frozenset([
    "wie", "waar", "waarheen", "waarmee", "hoe", "welke", "welk", "wat", "waarom",
    "kan", "kun", "kunnen", "mag", "mogen", "moet", "moeten", "zou", "zouden", "graag",
    "who", "where", "how", "which", "what", "can", "could", "should", "would", "may",
])
ASK_WORDS = frozenset([
    "vraag", "zoek", "zoekt", "zoeken",
    "ask", "asks", "asked", "asking", "question", "wondering", "wonders",
])
#: The verb forms of "vragen" ask with what they ask after them ("vraagt of", "vroeg
#: om", "vragen over", "twee vragen:"); with an object they are a demand ("mijn werk
#: vraagt te veel") and "vroeg" is also early.
ASK_VERBS = frozenset(["vraagt", "vragen", "vroeg", "vroegen"])
ASKED_AFTER = frozenset(["of", "om", "naar", "over", "zich", "me", "mij", "ons", "hoe",
                         "wie", "waar", "wat", "welke", ":"])
#: "graag" asks after a form of "willen" ("ze wil het graag zelf leren", "zou graag"):
#: alone it is as often a liking ("ze gaat graag naar de buurtkamer"). Not when it ends
#: its sentence: what is wished then stands before it, told already ("niemand dwingt
#: hem, hij wil het gewoon graag": a liking of what the story says, no ask; session 16).
WISH_VERBS = frozenset(["wil", "wilt", "willen", "wilde", "wilden", "zou", "zouden"])
#: Two-word marks (the first word alone is as often something else: "vroeg" is also
#: early, "iemand" also the subject of a story, "like" also a comparison; "want to" is
#: left out: "I don't want to be a burden" is no request).
ASK_PAIRS = frozenset([
    *((verb, after) for verb in ASK_VERBS for after in ASKED_AFTER),
    ("iemand", "die"), ("iemand", "om"), ("iemand", "nodig"),
    ("wil", "weten"), ("willen", "weten"), ("wilde", "weten"),
    ("someone", "who"), ("someone", "to"), ("would", "like"), ("looking", "for"),
    ("needs", "someone"), ("need", "someone"),
])


#: What a wish asks for when it names it: "mevrouw wil nu vooral hulp om ...", "he wants
#: help with ...", "ze wil ondersteuning bij ..." (session 14, outside14's o14-16: a
#: settled past told first, the help wanted after it; the words of the past outweighed the
#: ask). Not when a negation stands between or just before ("ze wil geen hulp", "he doesn't
#: want help").
HELP_WORDS = frozenset(["hulp", "ondersteuning", "steun", "advies", "help", "support",
                        "advice"])
WANTING = WISH_VERBS | frozenset(["want", "wants", "wanted", "need", "needs"])
NOT_BETWEEN = frozenset(["geen", "niet", "nooit", "not", "no", "never", "don't", "doesn't",
                         "dont", "doesnt"])


def _wants_help(said: Sequence[str]) -> bool:
    """Whether a wish names help (:data:`HELP_WORDS` after :data:`WANTING`, no
    negation between or just before): the sentence asks."""
    for i, word in enumerate(said):
        if word in HELP_WORDS:
            before = said[:i]
            wish = max((j for j, w in enumerate(before) if w in WANTING), default=None)
            # English negates before the wish ("doesn't want help"), Dutch after it
            if wish is not None and not NOT_BETWEEN & set(before[max(0, wish - 2):]):
                return True
    return False


#: The one of two needs the asker says matters most: "maar het belangrijkste is dat ze
#: weer mensen ziet", "ze zoekt vooral werk", "most of all I need ...", "mainly the
#: rent" (session 14, router31). The words from the mark to the end of its clause weigh
#: as an ask (:func:`priority_words`). Sources: Dutch and English adverbs and superlatives
#: of priority (ANS 8.4, gradation adverbs; "vooral", "bovenal", "het liefst"), grammar
#: words only.
PRIORITY_MARKS: tuple[tuple[str, ...], ...] = (
    ("vooral",), ("bovenal",), ("voornamelijk",), ("het", "belangrijkste"),
    ("het", "liefst"), ("het", "liefste"), ("mainly",), ("above", "all"),
    ("most", "of", "all"), ("most", "important"), ("main", "thing"), ("first", "and",
                                                                      "foremost"),
)


def priority_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words from a mark of priority
    (:data:`PRIORITY_MARKS`, :data:`PRIORITY_COMPARATIVES`) to the end of its clause (the
    next punctuation), and of those from a focus lead-in's colon to the end of its
    sentence (:func:`_focus_leads`)."""
    tokens, at_word, sentence = _sentences_of(text)
    marks = PRIORITY_MARKS + PRIORITY_COMPARATIVES
    first = frozenset(m[0] for m in marks)  # a quick test (session 16)
    out: set[int] = set()
    marked = False
    for at, index in enumerate(at_word):
        if index is None:
            marked = False
            continue
        if not marked and tokens[at] in first and any(
                tuple(tokens[at : at + len(m)]) == m for m in marks):
            marked = True
        if marked:
            out.add(index)
    for _, colon in _focus_leads(tokens):
        out.update(i for t, i in enumerate(at_word)
                   if t > colon and i is not None and sentence[t] == sentence[colon])
    return frozenset(out)


#: A lead-in that announces the one of two needs the asker puts first, ending in a colon:
#: "maar belangrijker: ...", "Dringender: ...", "maar eerst dit: ...", "Nu: ...", "but
#: more pressing: ...", and the Dutch and English pseudo-cleft ("wat echt niet meer gaat:
#: ...", "waar ik mee zit: ...", "waar het nu om gaat: ...", "what matters: ..."). The
#: colon announces what follows (ANS 2.8, de dubbele punt: "een aankondiging"; the
#: pseudo-cleft puts its focus after it, ANS 21.2, the "wat ... is"-construction), so the
#: words from the colon to the end of the sentence weigh as the ask
#: (:func:`priority_words`), the words before the lead-in as what the asker puts second
#: (:func:`second_words`). A lead-in is at most :data:`FOCUS_LEAD_WORDS` words from the
#: previous punctuation or contrast ("maar", "but"), opens with a pseudo-cleft's
#: question word or holds a word of priority, time-first or emphasis; a heading at the
#: start of a text (a case note's "Klantmanager werk: ...") is no lead-in: nothing comes
#: before it. Session 15 (router34): the retired s32's two problems, in new words in
#: tests/data/socialmap/probes-s15-router34.jsonl. Grammar words and adverbs only.
FOCUS_LEAD_WORDS = 6
FOCUS_CLEFT = frozenset(["wat", "waar", "what"])
FOCUS_WORDS = frozenset([
    "belangrijker", "belangrijkste", "dringender", "dringendst", "dringendste", "urgenter",
    "ergste", "eerst", "nu", "echt", "vooral",
    "important", "pressing", "urgent", "worst", "first", "now", "really", "actually",
    "mainly",
])
#: The comparatives and superlatives of priority that mark the more important need without
#: a colon too ("belangrijker is dat ...", "the more pressing thing is ..."), added to
#: :data:`PRIORITY_MARKS` (session 15, router34).
PRIORITY_COMPARATIVES: tuple[tuple[str, ...], ...] = (
    ("belangrijker",), ("dringender",), ("urgenter",), ("het", "ergste"),
    ("more", "pressing"), ("more", "urgent"), ("more", "important"), ("most", "pressing"),
    ("most", "urgent"), ("the", "worst"),
    # session 17 (router39): the superlative said without "het" before a colon-less
    # clause ("maar het dringendst is de huur"), and the need named as the real, the
    # biggest or the main problem ("maar het echte probleem is dat ...", "the real issue
    # is ...": the retired s37's named priorities). Adjectives of priority before a
    # noun of trouble; grammar and those nouns only.
    ("het", "dringendst"), ("het", "dringendste"), ("het", "meest", "dringend"),
    ("het", "echte", "probleem"), ("het", "eigenlijke", "probleem"),
    ("het", "grootste", "probleem"), ("mijn", "grootste", "zorg"),
    ("onze", "grootste", "zorg"), ("de", "grootste", "zorg"),
    ("the", "real", "problem"), ("the", "real", "issue"), ("the", "actual", "problem"),
    ("the", "biggest", "problem"), ("the", "main", "problem"), ("the", "main", "issue"),
    ("my", "biggest", "worry"), ("our", "biggest", "worry"), ("the", "biggest", "worry"),
    # the turn from a joke to the ask in a chat ("... naar thailand lol. but fr i want to
    # go back to school", "maar serieus, ...", "joking aside, ..."): what follows is
    # meant (the retired s36's phone messages; en.wiktionary "fr": for real)
    ("maar", "serieus"), ("maar", "even", "serieus"), ("but", "seriously"),
    ("but", "fr"), ("but", "for", "real"), ("joking", "aside"), ("jokes", "aside"),
    ("zonder", "dollen"), ("zonder", "grappen"),
)


def _sentences_of(text: str) -> tuple[list[str], list[int | None], list[int]]:
    """The tokens of ``text`` (:data:`_TOKEN`, folded), each token's word index (into
    :func:`words`; None for punctuation) and each token's sentence number."""
    tokens = _TOKEN.findall(_folded(text))
    index: list[int | None] = []
    sentence: list[int] = []
    n, count, open_ = 0, 0, False  # "..." ends one sentence, not three
    for tok in tokens:
        sentence.append(n)
        if tok[0].isalnum():
            index.append(count)
            count += 1
            open_ = True
        else:
            index.append(None)
            if tok in ".!?" and open_:
                n, open_ = n + 1, False
    return tokens, index, sentence


def _focus_leads(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """(first token, colon token) of each focus lead-in (:data:`FOCUS_WORDS`)."""
    out: list[tuple[int, int]] = []
    for colon, tok in enumerate(tokens):
        if tok != ":":
            continue
        start = colon
        while start > 0 and tokens[start - 1][0].isalnum() and tokens[start - 1] not in (
                "maar", "but"):
            start -= 1
        lead = tokens[start:colon]
        if not lead or len(lead) > FOCUS_LEAD_WORDS:
            continue
        if not any(t[0].isalnum() for t in tokens[:start]):
            continue  # a heading: nothing comes before it
        if lead[0] in FOCUS_CLEFT or FOCUS_WORDS & set(lead):
            out.append((start, colon))
    return out


def second_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words a focus lead-in (:func:`_focus_leads`)
    puts second: those of its sentence before it, or when it opens its sentence, those of
    the sentence before ("Huisbaas verhoogt de huur, dat komt later. Nu: ...")."""
    tokens, index, sentence = _sentences_of(text)
    out: set[int] = set()
    for start, _ in _focus_leads(tokens):
        own = [index[t] for t in range(start) if sentence[t] == sentence[start]
               and index[t] is not None]
        if not own and sentence[start] > 0:
            own = [index[t] for t in range(start) if sentence[t] == sentence[start] - 1
                   and index[t] is not None]
        out.update(i for i in own if i is not None)
    return frozenset(out)


#: Self-repair: a speaker takes back what was just said and says what was meant
#: ("voedselbank aanmelden, nee wacht, ik bedoel de stadspas", "schulden? nee, alles
#: betaald", "Hoe vraag ik bijstand aan? Nee wacht, die heb ik al.", "I want X... actually
#: no, ...", "Looking for a lawyer. Actually, scratch that: ..."). Sources: ANS 2.8 and
#: 14 ("nee" as an answer particle and interjection; the repair "of nee", "nee wacht")
#: and the English repair markers of conversation analysis (Schegloff, Jefferson & Sacks
#: 1977, self-initiated self-repair: "no wait", "actually", "I mean", "scratch that").
#: The words taken back are not read, as a contrastive negation's are not
#: (:func:`corrected_words`). Grammar words only. Session 15 (router34): the retired s32's
#: corrections, in new words in tests/data/socialmap/probes-s15-router34.jsonl.
CORRECTION_MARKS: tuple[tuple[str, ...], ...] = (
    ("nee", "wacht"), ("wacht", "nee"), ("of", "nee"), ("nee", "eigenlijk"),
    ("nee", "laat", "maar"), ("nee", "sorry"), ("no", "wait"), ("wait", "no"),
    ("actually", "no"), ("scratch", "that"), ("never", "mind"), ("or", "rather"),
    ("actually", "forget"),
)
#: "nee" / "no" alone takes back what came before when it stands as an answer particle:
#: right after a question mark ("schulden? nee, ..."), or opening a clause with a
#: punctuation mark after it ("..., maar nee, het is erger", "Nee, eigenlijk ..."). "Nee
#: serieus" takes back a tone, not a need; "zegt nee" is a refusal (:data:`.lexicon.SETTLED`).
ANSWER_PARTICLES = frozenset(["nee", "no"])
#: The first words of :data:`CORRECTION_MARKS` (a quick test, session 16).
_CORRECTION_FIRST = frozenset(m[0] for m in CORRECTION_MARKS)
#: What may stand between the start of a sentence and a repair, so that the repair takes
#: back the sentence before ("Hmm, actually forget the story").
REPAIR_FILLERS = frozenset(["hmm", "hm", "eh", "uh", "oh", "o", "nou", "ok", "oke", "okay",
                            "eigenlijk", "actually", "well", "sorry", "maar", "but", "en",
                            "and", "so"])


def _repairs(tokens: Sequence[str]) -> list[int]:
    """Token positions where a self-repair starts (:data:`CORRECTION_MARKS`,
    :data:`ANSWER_PARTICLES`)."""
    out: list[int] = []
    for at, tok in enumerate(tokens):
        if not tok[0].isalnum():
            continue
        if tok in _CORRECTION_FIRST and any(
                tuple(tokens[at : at + len(m)]) == m for m in CORRECTION_MARKS):
            out.append(at)
            continue
        if tok not in ANSWER_PARTICLES:
            continue
        before = tokens[at - 1] if at > 0 else ""
        after = tokens[at + 1] if at + 1 < len(tokens) else ""
        opens = not before or not before[0].isalnum() or before in ("maar", "but", "oh")
        if before == "?" or (opens and after and not after[0].isalnum() and after != "?"):
            out.append(at)
    return out


#: A repair takes back the clause just before it, up to the punctuation mark before that
#: clause, when the clause has at most this many words: in a dictated message without
#: punctuation ("... moved into a smaller flat in Amstelveen no wait Buitenveldert ...")
#: what is taken back is a word or two that the clause does not delimit, and nothing is
#: taken back.
REPAIR_REACH = 10


@functools.lru_cache(maxsize=TEXTS_KEPT)
def corrected_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words a self-repair takes back
    (:func:`_repairs`): the clause just before it (:data:`REPAIR_REACH`), past the
    punctuation and fillers (:data:`REPAIR_FILLERS`) right before the repair ("...
    hmm, actually forget ...": the clause before the dots), and the repair's own
    words."""
    tokens = _TOKEN.findall(_folded(text))
    index: list[int | None] = []
    count = 0
    for tok in tokens:
        index.append(count if tok[0].isalnum() else None)
        count += tok[0].isalnum()
    out: set[int] = set()
    for at in _repairs(tokens):
        t = at - 1
        while t >= 0 and (index[t] is None or tokens[t] in REPAIR_FILLERS):
            t -= 1
        clause: list[int] = []
        while t >= 0 and index[t] is not None:
            clause.append(t)
            t -= 1
        if len(clause) <= REPAIR_REACH:
            out.update(i for i in (index[c] for c in clause) if i is not None)
        # the repair's own words ("nee", "no wait", "scratch that") say nothing of the need
        size = next((len(m) for m in CORRECTION_MARKS
                     if tuple(tokens[at : at + len(m)]) == m), 1)
        out.update(i for i in index[at : at + size] if i is not None)
    return frozenset(out)


#: A guess: a short yes/no question that names where the asker thinks to go, before or
#: after the sentences that say what is going on -- a fragment that opens the text
#: ("GGD voor mijn vader?", "Consultatiebureau?", "verslavingszorg?") or a question in a
#: frame that asks whether a place fits (:data:`GUESS_FRAMES`: "Moet ik naar de
#: ouderenadviseur?", "Is dit iets voor de jeugdbescherming?", "Should I go to the food
#: bank?", "Is dat iets voor het buurtteam?"). The need is what is told; the guessed name
#: weighs as background (:attr:`.router.Tuning.settled_weight`), not as the ask, so that a
#: service does not win by its name alone when the story points elsewhere, and still wins
#: when the story points to it too (session 15, router34: the retired s32's wrong names).
#: A question with a question word asks ("Waar kan ik ...?"), and so does a request or a
#: question of right in the yes/no form ("Kan iemand uitleggen hoe huurtoeslag werkt?",
#: "Heb ik recht op huurtoeslag?": a finite verb first, :data:`FINITE_FIRST`, and no
#: frame). Sources: ANS 13 (vraagzinnen: V1 for yes/no, the verbless "beknopte" question);
#: the frames are grammar words of going, asking and "being for". At most this many words:
GUESS_WORDS = 8
#: A finite verb that opens a yes/no question (ANS 13.2.2, V1): such a question asks
#: (a request, a question of right) unless it has a guess's frame.
FINITE_FIRST = frozenset([
    "kan", "kun", "kunt", "kunnen", "mag", "mogen", "moet", "moeten", "zou", "zouden",
    "heb", "hebt", "heeft", "hebben", "ben", "bent", "is", "zijn", "wil", "wilt", "willen",
    "weet", "weten", "krijg", "krijgt", "krijgen", "ga", "gaat", "gaan", "doe", "doet",
    "bestaat", "zit", "klopt", "helpt",
    "can", "could", "should", "would", "may", "must", "will", "do", "does", "did", "is",
    "are", "am", "was", "were", "have", "has",
])
#: A yes/no question that asks whether a place fits, opening its sentence: "moet ik (nu)
#: naar / bij", "is dit / dat (wel) iets voor", "should I (just) go to / ask / call", "is
#: this (one) for". Each frame's words in order, up to :data:`GUESS_GAP` words between
#: them. Not the existential "is er ... voor", "is daar een regeling voor", "are there
#: groups for": those ask whether something exists, and name the need.
GUESS_FRAMES: tuple[tuple[str, ...], ...] = (
    ("moet", "ik", "naar"), ("moet", "ik", "bij"), ("moeten", "we", "naar"),
    ("moeten", "we", "bij"), ("is", "dit", "voor"), ("is", "dat", "voor"),
    ("is", "het", "iets", "voor"), ("should", "i", "go"), ("should", "i", "ask"),
    ("should", "i", "call"), ("should", "i", "contact"), ("should", "we", "go"),
    ("is", "this", "for"), ("is", "that", "for"), ("is", "it", "for"),
)
GUESS_GAP = 2


def _framed(said: Sequence[str]) -> bool:
    """Whether a sentence's words open with a :data:`GUESS_FRAMES` frame."""
    for frame in GUESS_FRAMES:
        if not said or said[0] != frame[0]:
            continue
        at = 0
        for word in frame[1:]:
            at = next((n for n in range(at + 1, min(len(said), at + 2 + GUESS_GAP))
                       if said[n] == word), -1)
            if at < 0:
                break
        if at >= 0:
            return True
    return False


def guessed_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words of a guess (:data:`GUESS_WORDS`): a
    question of at most that many words, without a question word first
    (:data:`QUESTION_WORDS`) and without a heading's colon ("Belastingdienst:
    afvalstoffenheffing in termijnen?" asks), that is the text's first sentence and no
    yes/no question with a finite verb first (:data:`FINITE_FIRST`), or has a guess's
    frame (:func:`_framed`); only when the text also has a statement (what is going on)."""
    tokens, index, sentence = _sentences_of(text)
    count = max(sentence, default=-1) + 1
    parts: list[list[int]] = [[] for _ in range(count)]
    for t, n in enumerate(sentence):
        parts[n].append(t)
    out: set[int] = set()
    statement = False
    for n, part in enumerate(parts):
        said = [tokens[t] for t in part if index[t] is not None]
        if not said:
            continue
        marks = [tokens[t] for t in part if index[t] is None]
        asks = "?" in marks
        if not asks:
            statement = True
            continue
        if len(said) > GUESS_WORDS or said[0] in QUESTION_WORDS or ":" in marks:
            continue
        if (n == 0 and said[0] not in FINITE_FIRST) or _framed(said):
            out.update(i for i in (index[t] for t in part) if i is not None)
    return frozenset(out) if statement else frozenset()


def _asks(sentence: Sequence[str]) -> bool:
    """Whether a sentence without a question mark asks (:data:`ASK_OPENERS`...)."""
    pairs = set(pairwise(sentence))
    said = [w for w in sentence if w[0].isalnum()]
    if said and said[0] in ASK_OPENERS:
        return True
    if ("graag" in said and WISH_VERBS & set(said[: said.index("graag")])
            and said[-1] != "graag"):
        return True
    if _wants_help(said):
        return True
    return any(w in ASK_WORDS for w in said) or bool(pairs & ASK_PAIRS)


#: A dictated message is one run-on sentence: a speech-to-text app writes no full stop
#: and no question mark (session 13, the retired set s25). The ask is then the stretch
#: from where the speaker starts to ask to the end, as spoken messages end with what they
#: ask. It starts with a question word and a finite verb (ANS 13, vraagzinnen: "hoe kan
#: ik", "waar kan zij", "wie mag daar", "how can we") or a modal and its subject after a
#: clause link ("... en kan er iemand komen", "maar mag ik"). Not an indirect question
#: ("ik weet niet waar hij moet beginnen"): it names no need, the story before it does.
QUESTION_WORDS = frozenset(["wie", "waar", "waarheen", "waarmee", "hoe", "welke", "wat",
                            "waarom", "who", "where", "how", "which", "what", "why"])
FINITE_ASKING = frozenset([
    "kan", "kun", "kunt", "kunnen", "mag", "mogen", "moet", "moeten", "zou", "zouden",
    "ga", "gaat", "gaan", "doe", "doet", "doen", "is", "zijn", "regel", "regelt",
    "krijg", "krijgt", "helpt", "zit",
    "can", "could", "should", "would", "do", "does", "is", "are", "must", "may"])
MODALS = frozenset(["kan", "kun", "kunt", "kunnen", "mag", "mogen", "moet", "moeten",
                    "zou", "zouden", "can", "could", "should", "would", "must"])
SUBJECTS = frozenset(["ik", "je", "jij", "u", "we", "wij", "jullie", "hij", "zij", "ze",
                      "er", "iemand", "i", "you", "he", "she", "they", "someone", "anyone",
                      "there"])
CLAUSE_LINKS = frozenset(["en", "maar", "dus", "of", "ja", "and", "but", "so", "or"])
#: Words of story before the ask for a run-on message to have a background at all.
RUN_ON_BACKGROUND = 8
#: How far after its verb a wish's "graag" or "hulp" may stand ("hij wil zelf heel graag").
RUN_ON_WISH = 3


def _run_on_ask(said: Sequence[str]) -> int | None:
    """Where the ask of a message without sentence punctuation starts (an index into
    ``said``), or None (:data:`QUESTION_WORDS`...)."""
    for i, word in enumerate(said):
        if i < RUN_ON_BACKGROUND:
            continue
        after = said[i + 1 : i + 4]
        if not after:
            return None
        if word in QUESTION_WORDS and after[0] in FINITE_ASKING:
            return i
        if word in MODALS and after[0] in SUBJECTS and said[i - 1] in CLAUSE_LINKS:
            return i
        # a request to the listener or for anyone ("kunnen jullie", "kan er iemand",
        # "is er iemand die"), and what asks in other words ("ik zoek iemand die",
        # "zij vraagt of": :data:`ASK_WORDS`, :data:`ASK_PAIRS`)
        if (word in MODALS | {"is"} and (after[0] in ("jullie", "u")
                                         or tuple(after[:2]) == ("er", "iemand"))):
            return i
        if word in ASK_WORDS or (word, after[0]) in ASK_PAIRS:
            return i
        # a wish that asks, as :func:`_asks` reads it in a sentence: "graag" after a form
        # of "willen" ("hij wil zelf graag dat iemand ...", inverted "nu wil hij graag")
        # or a wish for help (session 14, router31: a dictated message that told a
        # settled past first)
        if ((word in SUBJECTS and after[0] in WISH_VERBS)
                or (word in WISH_VERBS and after[0] in SUBJECTS)) and (
                "graag" in said[i + 2 : i + 2 + RUN_ON_WISH] or _wants_help(
                    said[i : i + 2 + RUN_ON_WISH])):
            return i
    return None


def asked_sentences(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words in the sentences that ask (end in a
    question mark, or ask in other words: :func:`_asks`), when the text also has a
    sentence that does not: in a long case note the ask ("wie betaalt de traplift?",
    "hij vroeg of iemand kan langskomen") names the need, the sentences before it the
    background. Empty for a text that is only questions, or one sentence -- unless that
    sentence runs on as a dictated message does and starts to ask on the way
    (:func:`_run_on_ask`): then the words from there on."""
    tokens = _TOKEN.findall(_folded(text))
    sentences: list[list[int]] = [[]]
    said: list[list[str]] = [[]]
    asks: list[bool] = []
    index = 0
    for tok in tokens:
        if tok[0].isalnum():
            sentences[-1].append(index)
            said[-1].append(tok)
            index += 1
        elif tok not in ".!?":
            said[-1].append(tok)
        elif sentences[-1]:
            asks.append(tok == "?" or _asks(said[-1]))
            sentences.append([])
            said.append([])
    if sentences[-1]:
        asks.append(_asks(said[-1]))
    else:
        sentences.pop()
    if len(sentences) == 1:  # one run-on sentence: a dictated message
        start = _run_on_ask([w for w in said[0] if w[0].isalnum()])
        return frozenset(sentences[0][start:]) if start is not None else frozenset()
    if all(asks) or not any(asks):
        return frozenset()
    return frozenset(i for s, ask in zip(sentences, asks, strict=True) if ask for i in s)


def settled_words(text: str, settled: frozenset[tuple[int, str]]) -> frozenset[int]:
    """Indices (into :func:`words`) of the words ``settled`` names as (clause, word):
    the clause counted by punctuation, as :func:`.safety.settled_parts` counts it."""
    out: set[int] = set()
    clause = index = 0
    for tok in _TOKEN.findall(_APOSTROPHE.sub("", fold(text))):
        if not tok[0].isalnum():
            clause += 1
            continue
        if (clause, tok) in settled:
            out.add(index)
        index += 1
    return frozenset(out)


#: The idioms of :data:`.lexicon.IDIOMS` as folded words; "..." is a gap of up to
#: :data:`IDIOM_GAP` words inside one clause.
IDIOMS = tuple(tuple(fold(idiom).split()) for idiom in lexicon.IDIOMS)
IDIOM_GAP = 4


@functools.lru_cache(maxsize=TEXTS_KEPT)
def idiom_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words of a fixed idiom whose noun names no
    thing (:data:`.lexicon.IDIOMS`: "wat er aan de hand is", "het hoofd boven water
    houden", "on the other hand"): not read, so that "hand" does not count for the
    services whose examples name a hand (session 14, xfail24)."""
    tokens = _TOKEN.findall(_folded(text))
    index: list[int] = []  # per token: its index into words(), -1 for punctuation
    count = 0
    for tok in tokens:
        index.append(count if tok[0].isalnum() else -1)
        count += tok[0].isalnum()
    present = set(tokens)
    out: set[int] = set()
    for idiom in IDIOMS:
        if not present.issuperset(w for w in idiom if w != "..."):
            continue
        for start, tok in enumerate(tokens):
            if tok == idiom[0]:
                out.update(index[p] for p in _idiom_at(tokens, start, idiom))
    return frozenset(out)


def _idiom_at(tokens: Sequence[str], start: int, idiom: tuple[str, ...]) -> list[int]:
    """The token positions of ``idiom`` read from ``start`` (its first word), or none."""
    found: list[int] = []
    at, gap = start, 0
    for word in idiom:
        if word == "...":
            gap = IDIOM_GAP
            continue
        for p in range(at, min(at + gap + 1, len(tokens))):
            if not tokens[p][0].isalnum():
                return []
            if tokens[p] == word:
                break
        else:
            return []
        found.append(p)
        at, gap = p + 1, 0
    return found


#: Forms of "leren"/"learn": with an infinitive next to it ("wil leren budgetteren",
#: "leert fietsen", "learn to budget") it carries that verb, which names the need; only
#: with a noun ("Nederlands leren", "learn English") is learning itself the need.
LEARN_FORMS = frozenset(["leren", "leer", "leert", "leerde", "leerden", "geleerd",
                         "learn", "learns", "learning", "learned", "learnt"])
#: Verbs that carry another verb themselves (modals, auxiliaries; Dutch and English
#: grammar): next to "leren" they are no infinitive that names a need ("willen leren").
CARRIER_VERBS = frozenset([
    "willen", "kunnen", "mogen", "moeten", "zullen", "gaan", "hebben", "zijn", "worden",
    "laten", "blijven", "durven", "hoeven", "komen", "proberen", "beginnen", "want",
    "wants", "need", "needs", "try", "tries", "have", "has",
])
#: Dutch infinitives shorter than the usual "-en" ending (gaan, staan, doen, zien).
SHORT_INFINITIVES = frozenset(["omgaan", "doen", "zien", "staan", "slaan", "gaan"])


def carrying_learn(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of a form of "leren"/"learn" that carries an
    infinitive: the word next to it (either side: "wil leren koken", "wil koken leren")
    is an infinitive of another verb (Dutch: ends in -en), or English "learn to/how to".
    Such a "leren" is a grammar word there; the infinitive says what is needed
    (outside9 6a: "meneer wil leren budgetteren" went to the Taalhuis on "leren")."""
    tokens = words(text)
    found: set[int] = set()

    def infinitive(word: str) -> bool:
        return (word not in LEARN_FORMS and word not in CARRIER_VERBS
                and word not in lexicon.STOPWORDS and word.isalpha()
                and ((len(word) > 4 and word.endswith("en")) or word in SHORT_INFINITIVES))

    for i, word in enumerate(tokens):
        if word not in LEARN_FORMS:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1] if i > 0 else ""
        if after in ("to", "how") or infinitive(after) or infinitive(before):
            found.add(i)
    return frozenset(found)


def area_words(text: str) -> frozenset[str]:
    """Folded words of ``text`` that name a stadsdeel, a neighbourhood or the city
    (:data:`.lexicon.PLACES`, up to three words: "nieuw west", "tuindorp oostzaan"). They
    say where the client lives, which the services' areas already weigh."""
    found = words(text)
    out: set[str] = set()
    for i in range(len(found)):
        for n in (3, 2, 1):
            part = found[i : i + n]
            if len(part) == n and lexicon.canonical_area("".join(part)) is not None:
                out.update(part)
                break
    return frozenset(out)


def place_context(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of nouns governed by a locative preposition:
    "op school", "op de opvang", "at school". They say where, not what."""
    tokens = _TOKEN.findall(_folded(text))
    out: set[int] = set()
    index = 0  # the word index of tokens[n]
    clause: list[str] = []  # the words of the clause so far
    for n, tok in enumerate(tokens):
        if not tok[0].isalnum() or tok in CLAUSE_OPENERS:
            clause = []
            if not tok[0].isalnum():
                continue
        clause.append(tok)
        own_place = (tok in INSIDE and n + 1 < len(tokens)
                     and tokens[n + 1] in FIRST_PERSON_POSSESSIVES)
        if (tok in LOCATIVES or own_place) and not DESTINATION_VERBS.intersection(
                clause[-DESTINATION_SPAN - 1 : -1]):
            j, k = n + 1, index + 1
            while j < len(tokens) and tokens[j] in DETERMINERS:
                j, k = j + 1, k + 1
            if j < len(tokens) and tokens[j][0].isalnum():  # not across a comma or stop
                out.add(k)
        index += 1
    return frozenset(out)


#: Words that may stand in a person description besides the person words themselves
#: ("alleenstaande moeder met een dochter van 8", "mother of two").
_DESCRIPTION_LINKS = frozenset([
    "met", "van", "en", "with", "of", "and", "twee", "drie", "vier", "vijf", "zes",
    "two", "three", "four", "five", "six",
])


def described_person(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the family words (:data:`.lexicon.PERSON_WORDS`)
    in a sentence's opening description of a household, the subject before its verb:
    "Alleenstaande moeder met een dochter van 8 | heeft grote schulden", "Vader en zoon |
    zoeken ...". It says who the household is; the predicate says what it needs. One
    family word alone ("mijn zus | mag van haar man niet ...") names the person it is
    about, not a household, and keeps its weight; so does a family word later in the
    sentence ("... en de moeder reageert niet"): there it is part of what happens."""
    tokens = _TOKEN.findall(_folded(text))
    out: set[int] = set()
    index = 0
    opening = True  # at the start of a sentence, or still in its opening description
    run: list[int] = []
    for tok in tokens:
        if not tok[0].isalnum():
            if tok in "()":
                continue  # "vader (84)": the age in brackets stays in the description
            opening, run = tok in ".!?:;", []
            continue
        if opening:
            if tok in lexicon.PERSON_WORDS:
                run.append(index)
            elif not (tok in DETERMINERS or tok in _DESCRIPTION_LINKS or tok.isdigit()):
                if len(run) > 1:  # the description ends where its verb begins
                    out.update(run)
                opening, run = False, []
        index += 1
    return frozenset(out)


#: "alleen" is a stop word, for its usual sense "only" ("alleen AOW", "alleen nog
#: schulden", "wil alleen een regeling"); as a predicate it means "alone" (Van Dale
#: "alleen" 1: zonder gezelschap; ANS: the focus adverb stands before what it restricts).
#: It is read as "alone" when it ends its clause ("ik woon alleen.", "zit de hele dag
#: alleen sinds ..."), when a place of staying follows ("alleen thuis", "alleen binnen"),
#: or a verb of living or feeling, or a degree adverb, goes before it ("woont alleen in
#: Noord", "voelt zich heel alleen"). Grammar words, Dutch only ("alone" is no stop word).
ALONE = "alleen"
_ALONE_BEFORE = frozenset([
    "woon", "woont", "wonen", "woonde", "woonden", "voel", "voelt", "voelen", "voelde",
    "leef", "leeft", "leven", "leefde", "heel", "helemaal", "erg", "zo", "te", "vaak",
])
_ALONE_AFTER = frozenset(["thuis", "binnen"])
#: Conjunctions that open a new clause after "alleen" ("woont alleen en ...").
_CLAUSE_LINKS = frozenset(["en", "maar", "sinds", "omdat", "want", "terwijl", "nu",
                           "toen", "zodat", "dus"])


def alone_sense(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of "alleen" meaning "alone", not "only"
    (:data:`ALONE`): the person is without company, which the map's loneliness services
    speak of ("sinds mijn vrouw overleed zit ik alleen" read no word of it)."""
    tokens = _TOKEN.findall(_folded(text))
    out: set[int] = set()
    for index, n in _word_positions(tokens, ALONE):
        before = tokens[n - 1] if n > 0 else "."
        after = tokens[n + 1] if n + 1 < len(tokens) else "."
        opens = not before[0].isalnum()  # "Alleen moet ik nog ...": a sentence adverb
        if not opens and (not after[0].isalnum() or after in _CLAUSE_LINKS
                          or after in _ALONE_AFTER or before in _ALONE_BEFORE):
            out.add(index)
    return frozenset(out)


def _word_positions(tokens: Sequence[str], word: str) -> list[tuple[int, int]]:
    """(index into :func:`words`, position in ``tokens``) of every token that is ``word``:
    the words' numbering skips punctuation tokens."""
    out = []
    index = 0
    for n, tok in enumerate(tokens):
        if not tok[0].isalnum():
            continue
        if tok == word:
            out.append((index, n))
        index += 1
    return out


#: "down" is a stop word (Snowball's English list: "down the stairs", "sit down", "broke
#: down"); as a predicate it is the mood "low, sad": Dutch chat has borrowed it ("ik
#: voel me zo down", "ze is al weken down"; Van Dale "down" bn., informeel: neerslachtig)
#: and English has it ("feeling down"; Cambridge Dictionary "down" adj.: unhappy or
#: sad). Read as the mood when a degree or time word stands just before it ("super
#: down", "al weken down", "so down", "a bit down"), or when only a reflexive pronoun or
#: such words stand between it and a verb of feeling or the Dutch "ben"/"bent" ("voel me
#: down", "feeling down", "ben echt down"); never when a determiner or possessive follows
#: it ("down the stairs", "down his throat": a preposition). "is down" is left out on
#: purpose ("DigiD is down", "the site is down": an outage). Grammar words, Dutch and
#: English; session 14, router28 (retired h27-007: "voel me ... super down" read nothing).
DOWN = "down"
_DOWN_DEGREE = frozenset([
    "zo", "super", "heel", "erg", "echt", "best", "nogal", "beetje", "wat", "weken",
    "maanden", "tijdje", "so", "really", "very", "pretty", "quite", "kinda", "bit",
    "totally", "weeks", "months", "lately",
])
_DOWN_VERBS = frozenset([
    "voel", "voelt", "voelen", "voelde", "voelden", "ben", "bent", "feel", "feels",
    "feeling", "felt",
])
_DOWN_BETWEEN = frozenset(["me", "mij", "zich", "je", "ons", "myself", "herself", "himself",
                           "al", "nog", "gewoon", "ook", "really", "been", "so"])


def down_sense(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of "down" meaning the mood "low, sad" (:data:`DOWN`),
    which the map's mental-health services call "somber"."""
    tokens = _TOKEN.findall(_folded(text))
    out: set[int] = set()
    for index, n in _word_positions(tokens, DOWN):
        after = tokens[n + 1] if n + 1 < len(tokens) else "."
        back = n - 1
        while back >= 0 and tokens[back] in _DOWN_BETWEEN:
            back -= 1
        before = tokens[back] if back >= 0 else "."
        if after not in DETERMINERS and (
                (n > 0 and tokens[n - 1] in _DOWN_DEGREE) or before in _DOWN_VERBS):
            out.add(index)
    return frozenset(out)


#: Stems already computed, shared by every :class:`Stemmer` of the process (a word's
#: stem depends on nothing else): building a second router, or routing the same words
#: again, does not stem again. Snowball's stemmer objects keep state while they work,
#: so calls into it are serialised.
_STEMS: dict[str, str] = {}
_SNOWBALL = snowballstemmer.stemmer("dutch_porter")
_SNOWBALL_LOCK = threading.Lock()


class Stemmer:
    """Snowball Dutch (Porter) plus spelling unification; caches what it has seen."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache = _STEMS

    def __call__(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        base = lexicon.IRREGULAR.get(word)
        if base is not None:
            # An irregular form's base is final: the unifications below would undo it
            # ('oudere' lost its 'e' and became 'ouder', the stem of 'ouders', so
            # parents matched the Ouderenadviseur; outside9 finding 5).
            self._cache[word] = base
            return base
        prepared = _undiminish(_lemma(word))
        with _SNOWBALL_LOCK:
            base = _SNOWBALL.stemWord(prepared)
        stem = base
        if len(stem) > 4 and stem.endswith("e"):
            stem = stem[:-1]
        if stem.endswith("z"):
            stem = stem[:-1] + "s"
        elif stem.endswith("v"):
            stem = stem[:-1] + "f"
        if len(stem) >= 5 and stem[-1] == "t" and stem[-2] not in "aeiouyscht":
            stem = stem[:-1]  # werkt/werken, woont/wonen
        elif len(stem) >= 6 and stem[-1] == "d" and stem[-2] in "lr":
            stem = stem[:-1]  # betaald/betalen
        if len(stem) >= 9 and stem.endswith("er"):
            stem = stem[:-2]  # vrijwilliger/vrijwillige, mantelzorger/mantelzorg
        stem = re.sub(r"([aeou])\1([^aeiou]+)$", r"\1\2", stem)
        if len(self._cache) > _MAX_CACHE:
            self._cache.clear()
        self._cache[word] = stem
        return stem


def _lemma(word: str) -> str:
    """The Dutch lemma of ``word`` (simplemma's dictionary: 'sloeg' -> 'slaan',
    'kinderen' -> 'kind'); the word itself when unknown or not alphabetic."""
    if not word.isalpha() or len(word) < 4:
        return word
    lemma = simplemma.lemmatize(word, lang="nl")
    return lemma.lower() if lemma and lemma.isalpha() else word


def _undiminish(word: str) -> str:
    """'zoontje' -> 'zoon', 'kindje' -> 'kind' (Dutch diminutives)."""
    if len(word) >= 7 and word.endswith(("etje", "pje")):
        return word[:-4] if word.endswith("etje") else word[:-3]
    if len(word) >= 6 and word.endswith("tje"):
        return word[:-3]
    if len(word) >= 6 and word.endswith("je") and word[-3] not in "aeiouijt":
        return word[:-2]
    return word


class CompoundSplitter:
    """Splits compounds into known words (after Koehn & Knight's frequency method).

    ``split("schuldhulpverlening")`` gives ``("schuld", "hulp", "verlening",
    "schuldhulp", "hulpverlening")``: the parts and each pair of neighbours. When only
    the end of a word is known ("heftruckchauffeur"), that end is given: Dutch
    compounds carry their meaning in their last part.
    """

    __slots__ = ("_cache", "_freq", "_stem", "_stem_freq")

    def __init__(self, frequencies: Mapping[str, int], stem: Stemmer) -> None:
        self._freq = {
            w: n
            for w, n in frequencies.items()
            if len(w) >= _MIN_HEAD
            and not w.isdigit()
            and not (w in lexicon.STOPWORDS and len(w) < 5)
        }
        self._stem = stem
        self._stem_freq: Counter[str] = Counter()
        for w, n in self._freq.items():
            if len(w) >= 4:
                self._stem_freq[stem(w)] += n
        self._cache: dict[str, tuple[str, ...]] = {}

    def _frequency(self, part: str, minimum: int = _MIN_PART_FREQ) -> int:
        """How common a part is as a word of the map (by its stem for 4+ letters)."""
        count = self._freq.get(part, 0)
        if len(part) >= 4:
            count = max(count, self._stem_freq.get(self._stem(part), 0))
        return count if count >= minimum else 0

    def split(self, word: str) -> tuple[str, ...]:
        """Known parts of ``word`` (see the class), or ``()`` when it is no compound."""
        if not _MIN_COMPOUND <= len(word) <= _MAX_COMPOUND:
            return ()
        cached = self._cache.get(word)
        if cached is None:
            cached = self._split(word)
            if len(self._cache) > _MAX_CACHE:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def _split(self, word: str) -> tuple[str, ...]:
        best = self._best(word, 0, depth=0)
        if best is not None and len(best[0]) > 1:
            spans = best[0]
            parts = [word[a:b] for a, b in spans]
            if len(spans) > 2:
                parts += [word[spans[i][0] : spans[i + 1][1]] for i in range(len(spans) - 1)]
            return tuple(dict.fromkeys(parts))
        for i in range(_MIN_HEAD, len(word) - _MIN_SUFFIX + 1):
            if self._frequency(word[i:], minimum=1):
                return (word[i:],)
        return ()

    def modifier(self, word: str) -> tuple[str, ...]:
        """The known beginning of a compound whose end is a Dutch or English word the map
        does not know, or ``()``: ``modifier("mantelzorgcompliment")`` gives
        ``("mantelzorg",)``. A scheme asked for by a half-remembered or an old name
        ("mantelzorgcompliment" for what the map calls "mantelzorgwaardering",
        "formulierenbrigade") keeps its topic in the first part when the map has no word
        for the last one (session 14, router30: retired s29's by-function questions).
        Only for a word the map does not know and :meth:`split` cannot split, a
        beginning of at least :data:`_MIN_SUFFIX` letters and an end of at least
        :data:`_MIN_MODIFIED` letters that the dictionary holds as written
        (:func:`dictionary_word`): no run of letters, no misspelling."""
        if (self.split(word) or not _MIN_COMPOUND <= len(word) <= _MAX_COMPOUND
                or self._frequency(word, minimum=1)):
            return ()  # split already, out of bounds, or a word of the map itself
        for i in range(len(word) - _MIN_MODIFIED, _MIN_SUFFIX - 1, -1):
            head = word[:i]
            if not self._frequency(head):
                continue
            for linker in _LINKERS:
                rest = word[i + len(linker):] if word.startswith(linker, i) else ""
                if (len(rest) >= _MIN_MODIFIED and not self._frequency(rest, minimum=1)
                        and dictionary_word(rest)):
                    return (head,)
        return ()

    def _best(
        self, word: str, offset: int, depth: int
    ) -> tuple[tuple[tuple[int, int], ...], float] | None:
        rest = word[offset:]
        options: list[tuple[tuple[tuple[int, int], ...], float]] = []
        if count := self._frequency(rest):
            options.append((((offset, len(word)),), math.log(count + 1)))
        if depth < 2:
            for i in range(offset + _MIN_HEAD, len(word) - _MIN_TAIL + 1):
                head = word[offset:i]
                if not self._frequency(head):
                    continue
                for linker in _LINKERS:
                    if not word.startswith(linker, i):
                        continue
                    tail_start = i + len(linker)
                    if len(word) - tail_start < _MIN_TAIL:
                        continue
                    tail = self._best(word, tail_start, depth + 1)
                    if tail is None:
                        continue
                    spans = ((offset, i), *tail[0])
                    logs = [math.log(self._frequency(word[a:b]) + 1) for a, b in spans]
                    options.append((spans, sum(logs) / len(logs)))
        if not options:
            return None
        # A split wins over the whole word when its parts are about as common.
        return max(options, key=lambda o: (o[1] + 0.3 * (len(o[0]) > 1), -len(o[0])))


@dataclass(frozen=True, slots=True)
class Term:
    """One weighted term of a question, and the question's word it came from."""

    stem: str
    weight: float
    source: str
    kind: str  # word | part | abbreviation | english | related | typo
    #: The negation the question puts before ``source`` ("not" of "not suicidal"), as an
    #: answer shows it with the word (:func:`negated`); "" when the word is not negated.
    negation: str = ""
    #: True when ``source`` is the object of a right or need the question denies
    #: (:func:`denied_provisions`: "geen recht op WW", "ik hoef geen advocaat").
    denied: bool = False
    #: True when ``source`` is a word of the sentences that ask, in a text that also
    #: tells (:func:`asked_sentences`, :func:`priority_words`; not a guessed door,
    #: :func:`guessed_words`): what the question asks for, not its background. False
    #: throughout when the ask points back at the story (:data:`.lexicon.BACK_REFERENCE`:
    #: "waar kan ik met beide terecht?").
    asked: bool = False


def phrase_alternatives(
    terms: Iterable[Term],
) -> list[tuple[tuple[frozenset[str], ...], frozenset[str], bool]]:
    """Per phrase of several words that the lexicon translated ("health insurance" ->
    zorgverzekering, "fallen behind" -> betalingsachterstand): the stems each of its
    content words brought in (the word, its parts, its own translation; a stopword
    brings none and is left out), and the stems of the phrase's translation or related
    words ("baan kwijt" -> werkloos). A phrase is one thing said in several words:
    whoever counts each word in full and the translation too counts it two or three
    times. A stem that another word of the question also brought in, or that both sides
    have, is on neither side (it counts on its own). The flag: the phrase was
    translated (English, an abbreviation), so its words and the translation say the
    same thing; related words ("werkloos" for "baan kwijt") are near, not the same, and
    the phrase's own words keep their full say. Pure; the phrases in the order of
    ``terms``."""
    by_source: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    for t in terms:
        by_source.setdefault(t.source, set()).add(t.stem)
        kinds.setdefault(t.source, set()).add(t.kind)
    out: list[tuple[tuple[frozenset[str], ...], frozenset[str], bool]] = []
    for phrase, translated in by_source.items():
        own = phrase.split()
        if len(own) < 2:
            continue
        mine = {phrase, *own}
        elsewhere = {s for source, stems in by_source.items() if source not in mine
                     for s in stems}
        from_words = {s for w in own for s in by_source.get(w, ())}
        keep = from_words ^ translated
        each = tuple(stems for w in own
                     if (stems := frozenset(by_source.get(w, set()) & keep - elsewhere)))
        other = frozenset(translated & keep - elsewhere)
        if any(each) and other:
            out.append((each, other, bool(kinds[phrase] & {"english", "abbreviation"})))
    return out


def may_be_misspelt(word: str) -> bool:
    """True when the spelling tolerance may read ``word`` (folded) as a misspelling: at
    least :data:`_MIN_FUZZY` letters, no number, and neither a word of the Dutch dictionary
    (simplemma) nor a common English word ('schelden' is not 'schulden', 'morgen' not
    'mogen'). The ranker's rule (:meth:`Analyzer._correct`) and the safety cues'
    (:mod:`.safety`, session 12) are this one."""
    return len(word) >= _MIN_FUZZY and not word.isdigit() and not dictionary_word(word)


def dictionary_word(word: str) -> bool:
    """A word of the Dutch dictionary (simplemma) or a common English word (folded): no
    misspelling, however close it is to a word of the map ('schelden' is not 'schulden',
    'morgen' not 'mogen'). A regular past participle of a Dutch verb the dictionary knows
    counts too (:func:`_participle_of_known_verb`): simplemma lists "aanbranden" but not
    "aangebrand", which is one letter from the cue "aangerand" (session 12, outside15's
    o15-20: burnt food read as sexual assault)."""
    return _listed_word(word) or _participle_of_known_verb(word)


def _listed_word(word: str) -> bool:
    """A word simplemma's Dutch list or the common English words hold as written."""
    return simplemma.is_known(word, lang="nl") or commonness.zipf(word, "en") > 0


#: The shortest start of a word read as that word cut short (:func:`dotted_words`).
_MIN_TRUNCATED = 4


def dotted_words(text: str) -> frozenset[int]:
    """Indices (into :func:`words`) of the words of ``text`` written with a period right
    after them ("geen startkwal., zit thuis", "volw. thuis"): where such a word is no
    word of its own, it is the start of a longer one, as the Taalunie writes an
    abbreviation by truncation (afkapping: the first letters and a period; session 15,
    router32: a school's "geen startkwal." was read as nothing)."""
    folded = _folded(text)
    return frozenset(i for i, m in enumerate(_WORD.finditer(folded))
                     if folded[m.end():m.end() + 1] == ".")


#: Endings of a Dutch past participle (weak: -d/-t, inflected -de/-te; strong: -en),
#: with an inflected -e stripped first.
_PARTICIPLE_ENDS = ("d", "t", "en")


@functools.cache
def _participle_of_known_verb(word: str) -> bool:
    """True when ``word`` is ge- + stem + -d/-t/-en (an -e after it allowed), after an
    optional separable particle that is itself a word ("aan", "op", "dicht"), of a verb
    whose infinitive the Dutch dictionary knows: "aangebrand" (aanbranden),
    "opgehaalde" (ophalen), "gemaakt" (maken: a doubled vowel is written single before
    -en). The Algemene Nederlandse Spraakkunst's regular participle; irregular ones
    ("gestolen") simplemma knows itself."""
    base = word[:-1] if word.endswith("e") else word
    for cut in range(len(base) - 4):
        head, rest = base[:cut], base[cut:]
        if not rest.startswith("ge") or (head and not simplemma.is_known(head, lang="nl")):
            continue
        for end in _PARTICIPLE_ENDS:
            stem = rest[2:-len(end)]
            if not rest.endswith(end) or len(stem) < 2:
                continue
            halved = stem[:-3] + stem[-2:] if len(stem) > 2 and stem[-3] == stem[-2] else stem
            # a stem ending on d or t takes no second one: "gebrand" (branden), "gezet"
            # (zetten: a short vowel doubles the consonant before -en)
            whole = rest[2:] if end in ("d", "t") else stem
            stems = {stem, halved, whole, whole + whole[-1]}
            if any(simplemma.is_known(head + s + "en", lang="nl") for s in stems):
                return True
    return False


def misspelling_of(word: str, spelling: Sequence[str], *, sure: bool = False) -> str | None:
    """The word of ``spelling`` that ``word`` most likely misspells (rapidfuzz ratio of
    at least :data:`_FUZZY_CUTOFF`, or :data:`_SURE_FUZZY` when ``sure`` is asked: a
    word that also reads as a compound of known parts), or None. Call it only for a
    word that :func:`may_be_misspelt`."""
    cutoff = _SURE_FUZZY if sure else _FUZZY_CUTOFF
    match = process.extractOne(word, spelling, scorer=fuzz.ratio, score_cutoff=cutoff)
    return None if match is None else str(match[0])


def _dt_swapped(word: str) -> str | None:
    """``word`` with the Dutch d/t error at its end undone, as a candidate: 'gebelt' ->
    'gebeld', 'antwoort' -> 'antwoord', 'vind' -> 'vint', 'wordt'/'word' kept apart
    (the Taalunie's and Onze Taal's most frequent spelling error of Dutch: a final
    d, t or dt that sounds the same). None when ``word`` ends otherwise."""
    if word.endswith("dt"):
        return word[:-1]
    if word.endswith("t"):
        return word[:-1] + "d"
    if word.endswith("d"):
        return word[:-1] + "t"
    return None


@functools.cache
def _english_common_stems() -> frozenset[str]:
    """The English (Porter 2) stems of the common English words (:mod:`.commonness`,
    Zipf >= 4)."""
    stem = snowballstemmer.stemmer("english").stemWord
    return frozenset(stem(w) for w in commonness.table()["en"])


def _english_stemmer() -> Callable[[str], str]:
    """Snowball's English (Porter 2) stemmer, cached."""
    snowball = snowballstemmer.stemmer("english")
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        found = cache.get(word)
        if found is None:
            found = snowball.stemWord(word)
            if len(cache) < _MAX_CACHE:
                cache[word] = found
        return found

    return stem


#: English particles of phrasal verbs, and the object pronouns English puts between a
#: phrasal verb and its particle ("pay it back", "cut us off", "turned her down": with a
#: pronoun object the particle must follow it; any English grammar, e.g. Swan, Practical
#: English Usage 2.4). A two-word key of the English table ("pay back", "cut off") is
#: read across one such pronoun (session 16, router36: the retired s35's "who has to pay
#: it back" read no "terugbetalen").
PHRASAL_PARTICLES = frozenset(["back", "off", "out", "in", "up", "down", "away", "over", "on"])
OBJECT_PRONOUNS = frozenset(["it", "them", "him", "her", "me", "us", "you", "this", "that"])


def _split_phrasal(table: Mapping[tuple[str, ...], list[str]], keys: Sequence[str],
                   original: Sequence[str], start: int) -> tuple[str, ...] | None:
    """The two-word key of ``table`` that the verb at ``start``, an object pronoun and a
    particle after it make (:data:`PHRASAL_PARTICLES`, :data:`OBJECT_PRONOUNS`), or
    None."""
    if (start + 2 < len(keys) and original[start + 1] in OBJECT_PRONOUNS
            and original[start + 2] in PHRASAL_PARTICLES):
        key = (keys[start], keys[start + 2])
        return key if key in table else None
    return None


def _compile(
    table: Mapping[str, str], stem: Callable[[str], str] | None
) -> dict[tuple[str, ...], list[str]]:
    """A table keyed by word sequences (stemmed when ``stem`` is given)."""
    compiled: dict[tuple[str, ...], list[str]] = {}
    for key, value in table.items():
        compiled[tuple(stem(w) if stem else w for w in words(key))] = words(value)
    return compiled


def _provisions(unelided: str, tried: frozenset[tuple[int, str]],
                asked: frozenset[int]) -> frozenset[int]:
    """:meth:`Analyzer.provisions` of an unelided text whose ask is ``asked``."""
    return denied_provisions(unelided) | ended_provisions(unelided) | (
        settled_words(unelided, tried) - asked if tried else frozenset())


class Analyzer:
    """Turns texts into weighted stems, knowing the vocabulary of one social map."""

    def __init__(
        self,
        texts: Iterable[str],
        *,
        related_weight: float = WEIGHT_RELATED,
        use_lexicon: bool = True,
        common_floor: float | None = commonness.FLOOR,
        place_weight: float = 1.0,
        frame_weight: float = 1.0,
        ask_weight: float = 1.0,
        person_weight: float = 1.0,
        settled_weight: float = 1.0,
    ) -> None:
        self.stem = Stemmer()
        self._unelided = functools.lru_cache(maxsize=TEXTS_KEPT)(self._unelide_text)
        self._settled_weight = settled_weight
        self._place_weight = place_weight
        self._frame_weight = frame_weight
        self._ask_weight = ask_weight
        self._person_weight = person_weight
        self._common_floor = common_floor
        frequencies: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        capitals: set[str] = set()
        texts = list(texts)
        #: The texts this analyzer was built from (:meth:`_unelide_text`).
        self._documents = frozenset(texts)
        for text in texts:
            found = words(text)
            frequencies.update(found)
            pairs.update(itertools.pairwise(found))
            capitals.update(w for w, opens in capitalised(text) if not opens)
        # Words these texts write with a capital inside a sentence ('Veilig Thuis',
        # 'DigiD', 'Wmo'): a capital there is no sign of a name (see writes_capitalised).
        self._capitalised = frozenset(capitals)
        for table in (lexicon.ABBREVIATIONS, lexicon.RELATED, lexicon.ENGLISH):
            for key, value in table.items():
                for w in (*words(key), *words(value)):
                    frequencies[w] = max(frequencies[w], _MIN_PART_FREQ)
        self._splitter = CompoundSplitter(frequencies, self.stem)
        self._vocabulary = sorted(w for w in frequencies if len(w) >= 3 and not w.isdigit())
        self._known = frozenset(self._vocabulary)
        self._known_stems = frozenset(self.stem(w) for w in self._vocabulary)
        # What a misspelling is corrected to, and what counts as spelt right: words seen
        # at least twice. The example questions hold typos on purpose ('uitkerin'; the
        # retired sets' 'schulhulp', session 7), and one of those must not make the same
        # typo in a question a word.
        self._spelling = [w for w in self._vocabulary if frequencies[w] >= 2]
        self._spelt = frozenset(self._spelling)
        self._spelt_stems = frozenset(self.stem(w) for w in self._spelling)
        # Compounds a writer may split in two ("ouder bijdrage", "betalings regeling",
        # "vrijwilligers werk"): two words that the map's texts write as one word more
        # often than as the two (:meth:`_join_split`).
        self._as_two = {pair: n for pair, n in pairs.items()
                        if pair[0] + pair[1] in self._spelt}
        self._as_one = {w: frequencies[w] for w in self._spelling}
        self._english = _english_stemmer()
        self._tables: tuple[tuple[str, float, dict[tuple[str, ...], list[str]], str], ...] = (
            (
                ("abbreviation", WEIGHT_ABBREVIATION, _compile(lexicon.ABBREVIATIONS, None),
                 "surface"),
                ("english", WEIGHT_ENGLISH, _compile(lexicon.ENGLISH, self._english),
                 "english"),
                ("related", related_weight, _compile(lexicon.RELATED, self.stem), "stem"),
            )
            if use_lexicon
            else ()
        )
        self._longest_key = max((len(k) for _, _, t, _ in self._tables for k in t), default=0)

    def _cognate(self, word: str) -> str | None:
        """The Dutch word an English word of Latin origin is written as, when the map
        knows it and the English table does not translate the word
        (:data:`COGNATE_ENDINGS`):
        "participation" -> "participatie", "activity" -> "activiteit". The English
        table (:data:`.lexicon.ENGLISH`) cannot hold every such word; the endings are
        regular (session 14, router30: "a 'participation coach'" for the
        participatiecoach)."""
        if word in lexicon.ENGLISH:
            return None
        for english, dutch in COGNATE_ENDINGS:
            if len(word) > len(english) + 3 and word.endswith(english):
                cognate = word[: -len(english)] + dutch
                return cognate if cognate in self._known else None
        return None

    def knows(self, word: str) -> bool:
        """True when ``word`` (folded) is a word of the map's own texts or lexicon."""
        return word in self._known

    def writes_capitalised(self, word: str) -> bool:
        """True when the map's texts or examples write ``word`` (folded) with a capital
        inside a sentence, as a name of a service or a scheme ('Veilig Thuis', 'DigiD'):
        a capital there is then no sign of a person's name. 'bakker', which they write
        only in lower case, is not one of them."""
        return word in self._capitalised

    def readable(self, text: str) -> Reading:
        """How much of ``text`` reads as Dutch or English (:class:`Reading`): over the
        words of three letters or more, those that are a stop word, a word of the map or
        its lexicon, a chat or regional spelling of a Dutch word (:data:`SPELLINGS`:
        Limburgish "ich", Frisian "jild"), a Dutch dictionary word (simplemma) or an
        English word that is not rare (wordfreq); not a word that merely resembles one
        (French "manger" is no misspelt "mager"). Tells a question in another language
        (Turkish, Polish) from plain Dutch with typos, which reads at well over half
        (every tuning question reads at 0.84 or more); the Dutch words that frame a
        sentence (:func:`dutch_frame`) tell regional Dutch, whose own words a
        dictionary of standard Dutch does not know, from another language."""
        counted = [w for w in words(text) if len(w) >= 3 and not w.isdigit()]
        read = sum(
            1
            for w in counted
            if w in lexicon.STOPWORDS
            or w in SPELLINGS
            or w in self._known
            or self.stem(w) in self._known_stems
            or simplemma.is_known(w, lang="nl")
            or commonness.zipf(w) >= _READABLE_ZIPF
        )
        return Reading(read, len(counted), dutch_frame(text))

    # ------------------------------------------------------------------ documents

    def _unelide(self, text: str) -> str:
        """'dak- en thuisloze' -> 'dakloze en thuisloze' (a Dutch shared head). Kept for
        :data:`TEXTS_KEPT` texts (:meth:`_unelided`): a router's build reads each
        example question two or three times (:meth:`word_stems`, :meth:`provisions`,
        :meth:`terms`), a question is read by :meth:`query` and more."""
        return self._unelided(text)

    def _unelide_text(self, text: str) -> str:
        def repl(match: re.Match[str]) -> str:
            first, conj, second = match.groups()
            parts = self._splitter.split(second)
            if len(parts) < 2:
                return match.group(0)
            return f"{first}{second[len(parts[0]) :]} {conj} {second}"

        return _ELIDED.sub(repl, _unchat_kept(text) if text in self._documents
                           else unchat(text))

    def terms(self, text: str, apart: Collection[int] = ()) -> list[tuple[str, float]]:
        """Stems of a document text with weights (compound parts count half); the words
        of an age expression after its number are left out, as the number is
        (:func:`age_words`). ``apart``: indices (into :func:`words`) of words whose stems
        are kept apart, prefixed with :data:`APART` (:meth:`provisions`: an example
        question's service tried or over)."""
        unelided = self._unelide(text)
        found = words(unelided)
        ages = age_words(found)
        out: list[tuple[str, float]] = []
        for i, word in enumerate(found):
            if word in lexicon.STOPWORDS or word.isdigit() or i in ages:
                continue
            mark = APART if i in apart else ""
            out.append((mark + self.stem(word), WEIGHT_WORD))
            for part in self._splitter.split(word):
                if part not in lexicon.STOPWORDS:
                    out.append((mark + self.stem(part), WEIGHT_PART))
        return out

    def word_stems(self, text: str) -> list[frozenset[str]]:
        """Per word of ``text`` (indexed as :func:`words` indexes the unelided text) its
        stem, as :meth:`terms` reads it, with the stems of what it abbreviates
        (:data:`.lexicon.ABBREVIATIONS`: "ww" is also "werkloosheidswet", as a question's
        word is read): what it may name."""
        abbreviations = next((t for kind, _, t, _ in self._tables if kind == "abbreviation"),
                             {})
        return [frozenset([self.stem(w), *(self.stem(x) for x in abbreviations.get((w,), ())
                                           if x not in lexicon.STOPWORDS)])
                for w in words(self._unelide(text))]

    def _asked(self, unelided: str) -> tuple[frozenset[int], frozenset[int]]:
        """The words of a guess that opens the text ("Consultatiebureau? ...": no ask,
        background) and of the ask (the asking sentences and a stated priority, less a
        guess), as :meth:`query` weighs them."""
        # a guess that opens the text ("Consultatiebureau? ...") is no ask, and weighs as
        # background, as does the need the asker puts second (session 15, router34)
        guessed = guessed_words(unelided) if self._settled_weight != 1.0 else frozenset()
        asked = (asked_sentences(unelided) | priority_words(unelided)
                 if self._ask_weight != 1.0 else frozenset()) - guessed
        return guessed, asked

    def provisions(self, text: str, tried: frozenset[tuple[int, str]] = frozenset(),
                   ) -> frozenset[int]:
        """Indices (into :func:`words`) of what ``text`` says is not where the asker goes
        next: a provision denied ("geen recht op WW"), one that runs out ("mijn WW loopt
        af"), and what ``tried`` names as tried, refused or over outside the ask ("al
        bij het UWV geweest", "Bbz is niet meer aan de orde"). The one reading of a
        question (:meth:`query`: its words are denied) and of an example question
        (:meth:`terms` ``apart``)."""
        unelided = self._unelide(text)
        return _provisions(unelided, tried, self._asked(unelided)[1])

    # ------------------------------------------------------------------ questions

    def everyday(self, word: str) -> float:
        """How much a question word counts by how common it is in everyday language
        (:mod:`.commonness`); 1.0 when that is switched off."""
        if self._common_floor is None:
            return 1.0
        return commonness.weight(word, self._common_floor)

    def _surface(self, word: str) -> str:
        """The word a question word stands for: itself, or the vocabulary word it is a
        misspelling of. A word that splits into known parts is a compound, unless it is
        a near-certain misspelling of one word ('schulhulp' -> 'schuldhulp', not
        'schul' + 'hulp')."""
        if word in lexicon.STOPWORDS:
            return word
        corrected = self._correct(word)
        if not self._splitter.split(word):
            return corrected or word
        if corrected is not None and fuzz.ratio(word, corrected) >= _SURE_FUZZY:
            return corrected
        return word

    def _completed(self, word: str) -> str | None:
        """The vocabulary word that ``word``, cut short with a period, starts
        (:func:`dotted_words`: "startkwal." -> "startkwalificatie", "mantelz." ->
        "mantelzorg"): the shortest such word, when every other one is a form or a
        compound of it. None when ``word`` is a word of its own, shorter than
        :data:`_MIN_TRUNCATED`, or the start of unrelated words ("afw." may be "afwezig"
        or "afwijzing")."""
        if (len(word) < _MIN_TRUNCATED or not word.isalpha() or word in self._known
                or word in lexicon.STOPWORDS or word in lexicon.ABBREVIATIONS
                or _listed_word(word)):
            return None
        at = bisect.bisect_right(self._vocabulary, word)
        longer = list(itertools.takewhile(lambda w: w.startswith(word),
                                          self._vocabulary[at:]))
        if not longer:
            return None
        shortest = min(longer, key=len)
        stem = self.stem(shortest)
        if not all(w.startswith(shortest) or self.stem(w) == stem for w in longer):
            return None
        return shortest

    def _correct(self, word: str) -> str | None:
        """The vocabulary word a misspelt ``word`` most likely means, or None."""
        if (
            len(word) < _MIN_DT
            or word.isdigit()
            or word in self._spelt
            or self.stem(word) in self._spelt_stems
            or _listed_word(word)
        ):
            return None
        # before the participle reading: "gebelt" reads as a participle of "bellen" too
        swapped = _dt_swapped(word)
        if swapped is not None and (swapped in self._spelt
                                    or simplemma.is_known(swapped, lang="nl")):
            return swapped
        if not may_be_misspelt(word):
            return None
        found = misspelling_of(word, self._spelling)
        if found is None:
            return None
        # An inflected English word ('raining', 'thanking', 'advises') is no misspelling
        # of another word ('training', 'thinking'): its English stem is that of a common
        # English word. A correction within one English stem ('allowence' ->
        # 'allowance') stands.
        own = self._english(word)
        if own != self._english(found) and own in _english_common_stems():
            return None
        return found

    def _split_compound(self, first: str, second: str) -> str | None:
        """The compound ``first`` + ``second`` when they are one word split in two
        ("ouder bijdrage" -> "ouderbijdrage"), else None. A phone writer splits Dutch
        compounds as English does (the Taalunie's "Engelse ziekte"); the map's own
        texts decide: the joined word is a word of theirs (seen twice or more) that
        they write as one word more often than as the two words side by side. Neither
        may be a stop word or a number ("met een" is no "meteen", "te veel" no
        "teveel"): a grammar word beside another is its own word."""
        if (
            len(first) < _MIN_HEAD or len(second) < _MIN_HEAD
            or first in lexicon.STOPWORDS or second in lexicon.STOPWORDS
            or first.isdigit() or second.isdigit()
        ):
            return None
        joined = first + second
        if self._as_one.get(joined, 0) > self._as_two.get((first, second), 0):
            return joined
        return None

    def _join_split(self, kept: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """``kept`` (position, word) with each split compound written as one word at
        the position of its first part (:meth:`_split_compound`); a compound split in
        three ("afval stoffen heffing") joins word by word."""
        out: list[tuple[int, str]] = []
        last = -2
        for i, w in kept:
            joined = self._split_compound(out[-1][1], w) if out and i == last + 1 else None
            if joined is not None:
                out[-1] = (out[-1][0], joined)
            else:
                out.append((i, w))
            last = i
        return out

    def _join_letters(self, kept: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """``kept`` (position, word) with an abbreviation spelled out letter by letter
        written as one word ("a o w" -> "aow", "u w v" -> "uwv"): a speech-to-text app
        writes each letter it hears as a word (session 13). Joined only when the map,
        its examples or the lexicon know the joined word; otherwise the letters stay."""
        out: list[tuple[int, str]] = []
        n = 0
        while n < len(kept):
            end = n
            while (end < len(kept) and len(kept[end][1]) == 1 and kept[end][1].isalpha()
                   and (end == n or kept[end][0] == kept[end - 1][0] + 1)):
                end += 1
            joined = "".join(w for _, w in kept[n:end])
            if end - n >= 2 and (joined in self._known or joined in lexicon.ABBREVIATIONS):
                out.append((kept[n][0], joined))
                n = end
            else:
                out.append(kept[n])
                n += 1
        return out

    def without_ruled_out(self, text: str) -> str:
        """``text``'s words without those a contrastive negation or a denial rules out
        ("niet naar Veilig Thuis maar ...") and an idiom's (:func:`idiom_words`), for the
        channels that read the whole text (the character n-grams; outside7: the named
        service still came first)."""
        unelided = self._unelide(text)
        ruled_out = (contrasted_negations(unelided) | idiom_words(unelided)
                     | corrected_words(unelided))
        return " ".join(w for i, w in enumerate(words(unelided)) if i not in ruled_out)

    def query(self, text: str, *, ignore: Sequence[str] = (),
              settled: frozenset[tuple[int, str]] = frozenset(),
              figurative: frozenset[tuple[int, str]] = frozenset(),
              tried: frozenset[tuple[int, str]] = frozenset()) -> list[Term]:
        """Weighted terms of a question: its words, compound parts, expansions, fixes.

        Negation is deliberately not modelled: "geen DigiD", "geen woning" and "geen
        diploma" name the need itself as often as "geen schulden" rules one out.
        ``settled``: the (clause, word) pairs the question says are over or tried
        (:func:`.safety.settled_parts`); outside the asking sentences they weigh
        ``settled_weight``. ``figurative``: the (clause, word) pairs of danger words used
        in a figurative sense (:func:`.safety.figurative_parts`: "slaat" in "dat slaat
        nergens op"): not read, as a contrastive negation's words are not. ``tried``:
        the (clause, word) pairs of what the question says was tried, refused or is over
        (:data:`.lexicon.SETTLED`, not the remote past); outside the asking sentences they
        are denied as a denied provision is (a service named there is where the asker has
        been, not where to go next).
        """
        ignored = {fold(w) for w in ignore}
        unelided = self._unelide(text)
        ruled_out = (contrasted_negations(unelided) | age_words(words(unelided))
                     | idiom_words(unelided) | corrected_words(unelided)) | (
            settled_words(unelided, figurative) if figurative else frozenset())
        places = place_context(unelided) if self._place_weight != 1.0 else frozenset()
        frame = (asker_frame(unelided) | writer_intro(unelided)
                 if self._frame_weight != 1.0 else frozenset())
        guessed, asked = self._asked(unelided)
        second = ((guessed | second_words(unelided)) - asked
                  if self._settled_weight != 1.0 else frozenset())
        said = words(unelided)
        kept = self._join_letters([
            (i, w)
            for i, w in enumerate(said)
            if w not in ignored and i not in ruled_out
        ])
        spoken = spoken_particles([w for _, w in kept])
        kept = self._join_split([iw for n, iw in enumerate(kept) if n not in spoken])
        original = [w for _, w in kept]
        over = (settled_words(unelided, settled) - asked
                if settled and self._settled_weight != 1.0 else frozenset())
        where = [
            (self._frame_weight if i in frame else self._place_weight if i in places else 1.0)
            * (self._ask_weight if i in asked else 1.0)
            * (self._settled_weight if i in over or i in second else 1.0)
            for i, _ in kept
        ]
        dotted = dotted_words(unelided)
        # completed where cut short with a period (read as written in full), else
        # corrected where misspelt
        completed = {n: full for n, (i, w) in enumerate(kept)
                     if i in dotted and (full := self._completed(w))}
        surface = [completed.get(n) or self._surface(w) for n, (_, w) in enumerate(kept)]
        if self._person_weight != 1.0:
            described = described_person(unelided)
            person = [i in described for i, _ in kept]
            where = self._who_words(surface, person, where)
        # an ask that points back at what is told ("met beide") asks for the story
        back = any(said[i] in lexicon.BACK_REFERENCE for i in asked)
        asking = [i in asked and not back for i, _ in kept]
        terms: list[Term] = []
        carries = carrying_learn(unelided)
        carrying = {n for n, (i, _) in enumerate(kept) if i in carries}
        for at, (word, source, place) in enumerate(zip(surface, original, where,
                                                       strict=True)):
            if says_nothing(word):
                continue
            typo = word != source and at not in completed
            factor = self.everyday(word) * place
            if word in lexicon.WEAK_WORDS or at in carrying:
                factor = min(factor, WEIGHT_WEAK)
            weight = (WEIGHT_TYPO if typo else WEIGHT_WORD) * factor
            ask = asking[at]
            terms.append(Term(self.stem(word), weight, source, "typo" if typo else "word",
                              asked=ask))
            for part in self._splitter.split(word) or self._splitter.modifier(word):
                if part not in lexicon.STOPWORDS:
                    terms.append(Term(self.stem(part), weight * WEIGHT_PART, source, "part",
                                      asked=ask))
            if cognate := self._cognate(word):
                terms.append(Term(self.stem(cognate),
                                  WEIGHT_ENGLISH * self.everyday(cognate) * place,
                                  source, "english", asked=ask))
        alone = alone_sense(unelided) | down_sense(unelided)
        content = frozenset(n for n, (i, _) in enumerate(kept) if i in alone)
        terms.extend(self._expand(surface, original, where, content, asking))
        # a word negated wherever the question says it is shown with its negation
        negations = negated(unelided)
        shown: dict[str, str] = {}
        for i, w in kept:
            shown[w] = negations.get(i, "") if shown.get(w, w) != "" else ""
        terms = [dataclasses.replace(t, negation=shown[t.source])
                 if shown.get(t.source) else t for t in terms]
        # a provision denied ("geen recht op WW") wherever the question names it, and a
        # service said to be tried, over or in place outside the ask ("al bij het UWV
        # geweest", "Bbz is niet meer aan de orde"): the asker asks what comes next
        provisions = _provisions(unelided, tried, asked)
        denied = {w for i, w in kept if i in provisions} - {
            w for i, w in kept if i not in provisions}
        if not denied:
            return terms
        return [dataclasses.replace(t, denied=True)
                if all(w in denied for w in t.source.split()) else t for t in terms]

    def _who_words(self, surface: Sequence[str], person: Sequence[bool],
                   where: list[float]) -> list[float]:
        """``where`` with the words that say who the person is in the family
        (:data:`.lexicon.PERSON_WORDS`: "alleenstaande moeder met een dochter") weighted
        down, when the question also says what is needed in a word of its own (not a
        stopword, an everyday word, a number, a place, a heading or another such word): the need
        then decides, not the family description that many services' examples share."""
        need = any(
            not p and f >= 1.0 and w not in lexicon.STOPWORDS
            and w not in lexicon.WEAK_WORDS and not w.isdigit() and len(w) > 2
            for w, p, f in zip(surface, person, where, strict=True))
        if not need or not any(person):
            return where
        return [f * self._person_weight if p else f for p, f in zip(person, where, strict=True)]

    def _expand(
        self, surface: list[str], original: list[str], where: Sequence[float] = (),
        content: frozenset[int] = frozenset(), asking: Sequence[bool] = (),
    ) -> list[Term]:
        """Terms from the lexicon's tables; the longest matching phrase wins. ``content``:
        positions of stop words used in a sense that names something (:func:`alone_sense`,
        :func:`down_sense`). ``asking``: per position, whether the word is asked
        (:attr:`Term.asked`; a phrase is asked when one of its words is)."""
        out: list[Term] = []
        stems = [self.stem(w) for w in surface]
        # English words are looked up as written (not "corrected" into Dutch ones), by
        # their English stem: 'refugees' finds 'refugee', 'lessons' 'lesson'.
        english = [self._english(w) for w in original]
        for kind, weight, table, keyed in self._tables:
            keys = {"stem": stems, "english": english}.get(keyed, surface)
            i = 0
            while i < len(keys):
                size = self._match(table, keys, surface, i, content)
                key = tuple(keys[i : i + size])
                if not size and kind == "english" and (split := _split_phrasal(
                        table, keys, original, i)):
                    size, key = 3, split
                if not size:
                    i += 1
                    continue
                source = " ".join(original[i : i + size])
                # a phrase is as specific as its rarest word ("huiselijk geweld")
                factor = max(self.everyday(w) for w in surface[i : i + size])
                if where:
                    factor *= max(where[i : i + size])
                ask = any(asking[i : i + size])
                for w in table[key]:
                    if w in lexicon.STOPWORDS:
                        continue
                    out.append(Term(self.stem(w), weight * factor, source, kind, asked=ask))
                    for part in self._splitter.split(w):
                        out.append(Term(self.stem(part), weight * factor * WEIGHT_PART,
                                        source, kind, asked=ask))
                i += size
        return out

    def _match(
        self,
        table: Mapping[tuple[str, ...], list[str]],
        keys: Sequence[str],
        surface: Sequence[str],
        start: int,
        content: frozenset[int] = frozenset(),
    ) -> int:
        """Length of the longest key of ``table`` at ``start`` (0 if none).

        A key made of stopwords only ("op de") never matches, unless one of them is used
        in a sense that names something (``content``: "alleen" as "alone").
        """
        for size in range(min(self._longest_key, len(keys) - start), 0, -1):
            if tuple(keys[start : start + size]) in table and not all(
                w in lexicon.STOPWORDS and start + j not in content
                for j, w in enumerate(surface[start : start + size])
            ):
                return size
        return 0
