"""A social map as a document to store (pure): checked, canonical, hashed.

``busbaan socialmap import`` stores the canonical JSON of a map without errors; the
bot parses it back at start. The hash names the map version in answers and feedback,
so that feedback can be read against the map it was given on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from busbaan.routing import SocialMap, parse_map


@dataclass(frozen=True, slots=True)
class MapDocument:
    """A checked map: its canonical JSON text, its SHA-256 and the parsed map."""

    text: str
    sha256: str
    social_map: SocialMap


def canonical_json(raw: object) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same map always hashes the same."""
    return json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def map_document(raw: object, source: str) -> MapDocument:
    """Check and parse ``raw``; :class:`~busbaan.routing.SocialMapError` names every
    error when the map has any (nothing is half-accepted)."""
    social_map = parse_map(raw, source=source)
    text = canonical_json(raw)
    return MapDocument(text=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                       social_map=social_map)


def document_from_text(text: str, source: str) -> MapDocument:
    """A stored map back from its canonical text."""
    return map_document(json.loads(text), source)
