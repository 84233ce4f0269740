"""How common a word is in everyday language, from a maintained frequency resource (pure
once loaded).

A social map has only a few dozen services, so its own inverse document frequency
cannot tell a topical word from an everyday one: "zoontje", "huis" or "veilig" may occur
in one or two service texts and then look as specific as "leerplicht". General word
frequencies can: an everyday word ("huis", "kinderen", "hulp", "mee") counts for less in
a question, a rare domain word ("schuldhulp", "leerplicht", "voedselbank") fully.

The table (``word_frequency.json``) holds the Zipf frequency (log10 of uses per billion
words, times 100) of every Dutch and English word with Zipf >= 4.0 in wordfreq 3.1.1
(Robyn Speer et al.; its data is CC BY-SA 4.0, built from OpenSubtitles, Wikipedia,
news, web text, Twitter, Reddit and SUBTLEX). wordfreq's data is frozen (its author
stopped updating it in 2024), which suits a reference table; the package itself is not
a dependency: ``python -m busbaan.routing.commonness --generate`` (with wordfreq
installed) rebuilds the file.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Mapping
from importlib import resources

from busbaan.routing.lexicon import fold

FILE = "word_frequency.json"
#: Zipf frequency from which a word counts for less ...
COMMON_FROM = 4.0
#: ... down to FLOOR at this Zipf frequency and above ("de", "huis", "werk").
VERY_COMMON = 6.0
FLOOR = 0.45
LANGS = ("nl", "en")


@functools.cache
def table() -> Mapping[str, Mapping[str, int]]:
    """The shipped table: language -> folded word -> Zipf frequency x 100."""
    text = resources.files("busbaan.routing").joinpath(FILE).read_text(encoding="utf-8")
    raw = json.loads(text)
    return {lang: dict(raw[lang]) for lang in LANGS}


def zipf(word: str, lang: str | None = None) -> float:
    """The Zipf frequency of a folded word (Dutch first, then English when ``lang`` is
    None); 0.0 when it is rarer than the table's cut-off."""
    tables = table()
    for code in (lang,) if lang else LANGS:
        value = tables[code].get(word)
        if value is not None:
            return value / 100
    return 0.0


def weight(word: str, floor: float = FLOOR) -> float:
    """1.0 for a word rarer than COMMON_FROM, falling linearly to ``floor`` at
    VERY_COMMON: how much an everyday word counts next to a rare one."""
    z = zipf(word)
    if z <= COMMON_FROM:
        return 1.0
    share = min(1.0, (z - COMMON_FROM) / (VERY_COMMON - COMMON_FROM))
    return 1.0 - share * (1.0 - floor)


def generate() -> dict[str, object]:
    """The table from wordfreq (which must be installed to regenerate it)."""
    wordfreq = importlib.import_module("wordfreq")
    out: dict[str, object] = {
        "_source": "wordfreq 3.1.1 (Robyn Speer et al.; data CC BY-SA 4.0: OpenSubtitles, "
        "Wikipedia, news, web text, Twitter, Reddit, SUBTLEX); Zipf frequency x 100 of "
        "the words with Zipf >= 4.0; python -m busbaan.routing.commonness --generate",
    }
    for lang in LANGS:
        words: dict[str, int] = {}
        for word in wordfreq.top_n_list(lang, 50_000):
            folded = fold(word)
            z = wordfreq.zipf_frequency(word, lang)
            if z < COMMON_FROM or not folded.isalpha():
                continue
            words[folded] = max(words.get(folded, 0), round(z * 100))
        out[lang] = dict(sorted(words.items()))
    return out


if __name__ == "__main__":  # pragma: no cover - a maintenance tool
    if sys.argv[1:] != ["--generate"]:
        sys.exit("usage: python -m busbaan.routing.commonness --generate")
    path = resources.files("busbaan.routing").joinpath(FILE)
    text = json.dumps(generate(), ensure_ascii=True, separators=(",", ":"))
    with resources.as_file(path) as target:
        target.write_text(text + "\n", encoding="utf-8")
    print(f"written {path}")
