"""Flesch-Douma, the Dutch adaptation of Flesch reading ease (pure).

    score = 206.835 − 0.93 × (words per sentence) − 77 × (syllables per word)

60–70 is "easy" (roughly B1), above 70 "very easy". Syllables are counted as vowel
groups (Dutch diphthongs such as "ij", "ui", "oe", "eu", "ou", "ie" are one group),
which is close enough for a test that guards against long words and long sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Readability", "flesch_douma", "syllables"]

_VOWEL_GROUP = re.compile(r"[aeiouyäëïöüáéíóúàèìòù]+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:['’-][A-Za-zÀ-ÿ]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def syllables(word: str) -> int:
    word = word.lower().replace("ij", "e")  # "ij" is one vowel sound
    return max(1, len(_VOWEL_GROUP.findall(word)))


@dataclass(frozen=True, slots=True)
class Readability:
    sentences: int
    words: int
    syllables: int

    @property
    def score(self) -> float:
        if not self.words:
            return 100.0
        return (206.835 - 0.93 * (self.words / max(1, self.sentences))
                - 77 * (self.syllables / self.words))


def flesch_douma(text: str, placeholder: str = "Anna") -> Readability:
    """The Flesch-Douma figures of ``text`` (placeholders read as a short name)."""
    text = _PLACEHOLDER.sub(placeholder, text)
    words = _WORD.findall(text)
    sentences = max(1, len(_SENTENCE_END.findall(text.strip() + " ")))
    return Readability(sentences, len(words), sum(syllables(w) for w in words))
