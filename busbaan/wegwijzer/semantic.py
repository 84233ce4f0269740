"""An optional semantic ranker: an embeddings endpoint on premises (the edge).

For municipalities that run a model themselves (text-embeddings-inference, Ollama,
vLLM: the OpenAI-compatible ``POST …/v1/embeddings`` shape, ``{"model", "input"}`` in,
``{"data": [{"index", "embedding"}]}`` out). Configured by URL; without one busbaan
needs no model and no download, and the lexical ranker works alone.

The services are embedded once (name, alternate name, description, eligibility); a
question is embedded per request and compared by cosine. The router fuses the
similarities with its lexical scores (:meth:`busbaan.routing.Router.route`,
``semantic=``). A question is sent only when the personal-data check finds nothing in
it (checked here, whoever calls); a timeout or an error gives ``None`` -- the router
then ranks lexically -- and says so in the log (event names only, never the text).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from busbaan.log import get_logger
from busbaan.privacy import find_personal_data
from busbaan.routing.index import service_fields
from busbaan.routing.model import SocialMap

log = get_logger("busbaan.routing.semantic")

DEFAULT_TIMEOUT_S = 1.0
#: Texts per request when embedding the services.
BATCH = 32


class EmbeddingsError(Exception):
    """The endpoint could not be used (unreachable, timeout, bad answer)."""


@dataclass(frozen=True, slots=True)
class EmbeddingsEndpoint:
    """Where and how to ask: the full embeddings URL, the model name, a timeout."""

    url: str
    model: str = "default"
    timeout_s: float = DEFAULT_TIMEOUT_S

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for ``texts`` (one request); :class:`EmbeddingsError` on failure."""
        body = json.dumps({"model": self.model, "input": list(texts)}).encode("utf-8")
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise EmbeddingsError(type(exc).__name__) from None
        try:
            items = sorted(payload["data"], key=lambda item: int(item["index"]))
            vectors = [[float(x) for x in item["embedding"]] for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingsError(f"bad response ({type(exc).__name__})") from None
        if len(vectors) != len(texts) or len({len(v) for v in vectors}) > 1:
            raise EmbeddingsError("bad response (wrong number or size of vectors)")
        return vectors


def _unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class SemanticRanker:
    """Embeds a map's services once; then cosine similarity per service for a question."""

    def __init__(self, endpoint: EmbeddingsEndpoint, social_map: SocialMap) -> None:
        self.endpoint = endpoint
        self._ids: list[str] = []
        self._vectors: list[list[float]] = []
        self._map = social_map

    @property
    def ready(self) -> bool:
        return bool(self._vectors)

    def prepare(self) -> bool:
        """Embed the services (blocking; run in a thread). False (logged) on failure."""
        services = [s for s in self._map.services if s.active]
        texts = []
        for service in services:
            fields = service_fields(self._map, service)
            texts.append(
                " ".join(
                    fields[k] for k in ("name", "alternate_name", "description", "eligibility")
                )
            )
        vectors: list[list[float]] = []
        try:
            for start in range(0, len(texts), BATCH):
                vectors += self.endpoint.embed(texts[start : start + BATCH])
        except EmbeddingsError as exc:
            log.warning("route.semantic_unavailable", stage="services", error=str(exc))
            return False
        self._ids = [s.id for s in services]
        self._vectors = [_unit(v) for v in vectors]
        log.info("route.semantic_ready", services=len(self._ids))
        return True

    def similarities(self, question: str, *,
                     today: dt.date | None = None) -> Mapping[str, float] | None:
        """Cosine similarity per service id, or None: not ready, personal data in the
        question (never sent), or the endpoint failed (logged; rank lexically).
        ``today``: the day the question is asked, as the router gets it (default: the
        clock's UTC day)."""
        if not self._vectors:
            return None
        if find_personal_data(question, today=today):
            log.info("route.semantic_skipped", reason="personal_data")
            return None
        start = time.perf_counter()
        try:
            [vector] = self.endpoint.embed([question])
        except (EmbeddingsError, ValueError) as exc:
            log.warning("route.semantic_fallback", error=str(exc) or type(exc).__name__,
                        ms=round((time.perf_counter() - start) * 1000))
            return None
        if len(vector) != len(self._vectors[0]):
            log.warning("route.semantic_fallback", error="dimension changed")
            return None
        q = _unit(vector)
        return {
            sid: sum(a * b for a, b in zip(q, v, strict=True))
            for sid, v in zip(self._ids, self._vectors, strict=True)
        }


__all__ = ["EmbeddingsEndpoint", "EmbeddingsError", "SemanticRanker"]
