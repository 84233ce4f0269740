"""Character n-gram similarity between a question and each service (pure).

A second, word-form-blind signal next to BM25F: TF-IDF vectors of the character
4-grams of each word, compared by cosine. It catches what stemming and compound
splitting miss ("dementerende"/"dementie", "vrijwilliger"/"vrijwillige") and
misspellings, at no cost in model files. The router adds it to the BM25F score.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from busbaan.numerals import is_number_word
from busbaan.routing import lexicon
from busbaan.routing.lexicon import fold

N = 4
#: A gram in a service's name counts this many times as one in its description.
NAME_WEIGHT = 2
_LETTERS = re.compile(r"[a-z]+")


def grams(text: str) -> Counter[str]:
    """Counts of the character n-grams of the content words of ``text``."""
    out: Counter[str] = Counter()
    for word in _LETTERS.findall(fold(text)):
        if len(word) < 3 or word in lexicon.STOPWORDS or is_number_word(word):
            continue
        padded = f" {word} "
        for i in range(len(padded) - N + 1):
            out[padded[i : i + N]] += 1
    return out


class NgramIndex:
    """Unit TF-IDF vectors of services, searchable by gram."""

    def __init__(self, names: Sequence[str], bodies: Sequence[str]) -> None:
        counts: list[Counter[str]] = []
        for name, body in zip(names, bodies, strict=True):
            doc = grams(body)
            for gram, n in grams(name).items():
                doc[gram] += NAME_WEIGHT * n
            counts.append(doc)
        total = len(counts)
        df: Counter[str] = Counter(g for doc in counts for g in doc)
        self._idf: Mapping[str, float] = {g: math.log(total / n) for g, n in df.items()}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for doc_id, doc in enumerate(counts):
            for gram, value in self._unit(doc).items():
                postings[gram][doc_id] = value
        self._postings: Mapping[str, Mapping[int, float]] = dict(postings)

    def _unit(self, counts: Mapping[str, int]) -> dict[str, float]:
        vector = {
            g: (1.0 + math.log(n)) * self._idf[g] for g, n in counts.items() if g in self._idf
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {g: v / norm for g, v in vector.items()}

    def similarity(self, text: str) -> dict[int, float]:
        """Cosine similarity (0..1) of ``text`` with every service it shares grams with."""
        scores: dict[int, float] = defaultdict(float)
        for gram, weight in self._unit(grams(text)).items():
            for doc, value in self._postings.get(gram, {}).items():
                scores[doc] += weight * value
        return scores
