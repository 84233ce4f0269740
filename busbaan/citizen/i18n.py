"""The citizen pages' texts: one JSON catalogue per language in ``locales/`` (pure
after loading). Dutch is the default and the reference: every catalogue must have
exactly its keys (checked at load time and in a test)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["LANGS", "RTL", "Catalogue", "catalogue", "pick"]

LANGS = ("nl", "en", "tr", "ar")
RTL = frozenset({"ar"})
LOCALES = Path(__file__).parent / "locales"


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Catalogue:
    lang: str
    texts: Mapping[str, str]

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RTL else "ltr"

    def __call__(self, key: str, **values: object) -> str:
        return self.texts[key].format(**values)

    def ltr(self, text: str) -> str:
        """``text`` (a phone number, an e-mail address) kept left to right inside a
        right-to-left sentence: Unicode's left-to-right isolate, else the Arabic text
        around it would show "020 555 0199" as "0199 555 020"."""
        return f"\u2066{text}\u2069" if self.lang in RTL else text

    def date(self, when: dt.date | dt.datetime) -> str:
        day = when.date() if isinstance(when, dt.datetime) else when
        return f"{day.day} {self.texts[f'month.{day.month}']} {day.year}"

    def join(self, items: Sequence[str]) -> str:
        """``a, b en c`` in the catalogue's language."""
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.texts['and']} " + items[-1]

    def category(self, cat_id: str) -> str:
        return self.texts.get(f"cat.{cat_id}", cat_id)

    def role(self, role_id: str, fallback: str) -> str:
        """A professional's role in this language (``fallback``: the policy's name)."""
        return self.texts.get(f"role.{role_id}", fallback)


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue for ``lang`` (Dutch for an unknown language)."""
    if lang not in LANGS:
        lang = "nl"
    texts = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    if lang != "nl":
        reference = set(catalogue("nl").texts)
        if set(texts) != reference:
            missing = sorted(reference - set(texts))
            extra = sorted(set(texts) - reference)
            raise CatalogueError(f"locales/{lang}.json: missing {missing}, unknown {extra}")
    return Catalogue(lang, texts)


def pick(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The language: ``?lang=``, then the cookie, then the browser's first known one."""
    for choice in (query, cookie):
        if choice in LANGS:
            return choice
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "nl"
