"""Example-count balance of the example vote, side by side: ``python -m bench.balance``.

Services differ in how many example questions they have (the benchmark map: Veilig
Thuis 207, most others 64-104; the ``make dev`` map the same, and services that borrow
several benchmark services through ``like:`` 130-155). The example vote
(:class:`busbaan.routing.expansion.ExampleIndex`: a service's best examples' BM25
scores, discounted by rank) grows with the number of examples by chance: the best of
more draws is higher (an extreme-value effect), so a big service wins on everyday words.

Each variant below scores the example vote another way; everything else is the shipped
router. One run prints, per variant:

- leave one set out (LOSO) over the retired held-out sets s3-s11 (each scored by a
  router without its own ``asked-*.yaml``; bench.routing ``routers()``), pooled top-1
  and top-3; and the same with the two retired tuning sets (frozen, tuning4) added;
- the development questions and our own two sets (no example file of theirs): top-1,
  top-3;
- the safety probes (s4-s6): the safety service in the top 3;
- Veilig Thuis first without a safety signal (no strong signal, no safety label, and not
  an expected or acceptable answer), over every set above and the near misses; and the
  same for the top 3;
- Veilig Thuis first without a strong signal where it *is* the answer (what balancing
  can cost);
- the ``make dev`` map's cases (tests/routing/test_outside8_findings.py, the example
  imbalance) and the partner-permission case of test_routing_safety_s8.py: how many pass;
- with ``--confidence``: the confidence refitted on the variant (bench.routing
  ``calibrate``): its threshold, and the plain answers right/confident out of fold.

Never a current held-out set (s12-s14). Aggregates only for the retired held-out sets.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.asked_examples import ASKED, file_name
from bench.routing import (
    HELDOUT,
    HELDOUT4,
    HELDOUT5,
    HELDOUT6,
    HELDOUT7,
    HELDOUT8,
    LOCAL,
    NEAR4,
    NEAR5,
    NEAR6,
    PROBES,
    PROBES5,
    PROBES6,
    SESSION7_HELDOUT,
    calibrate,
    calibration_sets,
    data_file,
    read_jsonl,
)
from busbaan.routing import Router, demo_map_path, load_map
from busbaan.routing import router as router_module
from busbaan.routing.expansion import (
    RANK_DECAY,
    ExampleIndex,
    default_files,
    load_examples,
    rarefied,
)
from busbaan.routing.text import Analyzer

#: The shipped index's vote is the last variant's; the first is the vote before.
VT = "vt-advies-melding"
VT_DEV = "veilig-thuis"


# ------------------------------------------------------------------ the variants


@dataclass(frozen=True)
class Vote:
    """How a service's example vote is computed from its examples' BM25 scores.

    ``alpha``: times (median count / its count) ** alpha (session 7's try);
    ``null``: minus ``null`` times what the same number of examples drawn at random from
    all examples would get for this question (the pool's order statistics), ``null_rel``
    then adds back what the median count would get (only the count's excess removed);
    ``rarefy``: the expected vote of a random subset of the median count of its own
    examples (rarefaction: services compared at one sample size); ``dedup``: drop an
    example whose stems overlap a kept one of the same service by at least this Jaccard
    share; ``knn``: only examples among the question's ``knn`` best of all examples vote
    (a plain k-nearest-neighbour vote); ``floor``: each example counts only above the
    question's ``floor``-th best example score (a background level, the same for every
    service); ``keep_first``: rarefy all but a service's best example; ``top_k`` and
    ``decay``: the vote's depth."""

    alpha: float = 0.0
    null: float = 0.0
    null_rel: bool = False
    rarefy: bool = False
    dedup: float | None = None
    knn: int = 0
    floor: int = 0
    keep_first: bool = False
    top_k: int = 5
    decay: float = 0.8


def balanced_index(vote: Vote) -> type[ExampleIndex]:
    """An :class:`ExampleIndex` that votes the ``vote`` way."""

    class Balanced(ExampleIndex):
        def __init__(self, per_service: Sequence[Sequence[str]], analyzer: Analyzer, *,
                     balanced: bool = True, gated: Sequence[Iterable[str]] = ()) -> None:
            if vote.dedup is not None:
                per_service = [_dedup(examples, analyzer, vote.dedup)
                               for examples in per_service]
            super().__init__(per_service, analyzer, balanced=balanced, gated=gated)
            self._counts = [len(set(examples)) for examples in per_service]
            used = [c for c in self._counts if c]
            self._median = int(statistics.median(used)) if used else 0
            self._by_count: dict[int, list[float]] = {}

        def _rank_weights(self, n: int) -> list[float]:
            if n not in self._by_count:
                if vote.rarefy and vote.keep_first:
                    rest = rarefied(n - 1, self._median - 1, vote.top_k - 1)
                    self._by_count[n] = [1.0, *(RANK_DECAY * w for w in rest)]
                elif vote.rarefy:
                    self._by_count[n] = list(rarefied(n, self._median, vote.top_k))
                else:
                    self._by_count[n] = [vote.decay**j for j in range(vote.top_k)]
            return self._by_count[n]

        def _null(self, pool: Sequence[float], n: int) -> float:
            """Expected top-k vote of n examples drawn at random from all examples
            (the j-th best of n sits near rank j*(N+1)/(n+1) of the pool)."""
            size = self.size
            out = 0.0
            for j in range(1, vote.top_k + 1):
                rank = j * (size + 1) / (n + 1)  # 1-based, fractional
                low = int(rank)
                frac = rank - low
                a = pool[low - 1] if 1 <= low <= len(pool) else 0.0
                b = pool[low] if low < len(pool) else 0.0
                out += vote.decay ** (j - 1) * (a * (1 - frac) + b * frac)
            return out

        def scores(self, query: Mapping[str, float], *, gate_open: bool = True,
                   ) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
            parts, best = self.matches(query, gate_open=gate_open)
            per_example = {number: value for found in best.values() for value, number in found}
            pool = (sorted(per_example.values(), reverse=True)
                    if vote.null or vote.knn or vote.floor else [])
            if vote.knn and len(pool) > vote.knn:
                cut = pool[vote.knn - 1]
                best = {doc: [(v, n) for v, n in found if v >= cut]
                        for doc, found in best.items()}
                best = {doc: found for doc, found in best.items() if found}
            if vote.floor:
                level = pool[vote.floor - 1] if len(pool) >= vote.floor else 0.0
                best = {doc: [(v - level, n) for v, n in found if v > level]
                        for doc, found in best.items()}
                best = {doc: found for doc, found in best.items() if found}
            nulls: dict[int, float] = {}
            out: dict[int, float] = {}
            evidence: dict[int, dict[str, float]] = {}
            for doc, found in best.items():
                found.sort(reverse=True)
                n = self._counts[doc]
                weights = self._rank_weights(n)
                value = sum(v * w for (v, _), w in zip(found, weights, strict=False))
                if vote.alpha and n:
                    value *= (self._median / n) ** vote.alpha
                if vote.null:
                    if n not in nulls:
                        nulls[n] = self._null(pool, n) - (
                            self._null(pool, self._median) if vote.null_rel else 0.0)
                    value = max(0.0, value - vote.null * nulls[n])
                out[doc] = value
                evidence[doc] = parts[found[0][1]]
            return out, evidence

    return Balanced


def _dedup(examples: Sequence[str], analyzer: Analyzer, share: float) -> list[str]:
    kept: list[tuple[str, set[str]]] = []
    for text in examples:
        stems = {stem for stem, _ in analyzer.terms(text)}
        if not any(len(stems & other) >= share * len(stems | other) for _, other in kept):
            kept.append((text, stems))
    return [text for text, _ in kept]


VARIANTS: tuple[tuple[str, Vote | None], ...] = (
    ("before: top 5 at decay 0.8 (session 7)", Vote()),
    ("(a) times (median/count)^0.25", Vote(alpha=0.25)),
    ("(a) times (median/count)^0.5", Vote(alpha=0.5)),
    ("(b) minus a random draw's vote (null)", Vote(null=1.0)),
    ("(b) minus the null's count excess", Vote(null=1.0, null_rel=True)),
    ("(b) minus half the null's count excess", Vote(null=0.5, null_rel=True)),
    ("(b) rarefied to the median count", Vote(rarefy=True)),
    ("(b) rarefied, the best example kept", Vote(rarefy=True, keep_first=True)),
    ("(c) near-duplicates dropped (Jaccard 0.6)", Vote(dedup=0.6)),
    ("(c) near-duplicates dropped (Jaccard 0.4)", Vote(dedup=0.4)),
    ("(d) k nearest examples overall (k 25)", Vote(knn=25)),
    ("(d) only above the 25th best example", Vote(floor=25)),
    ("(d) only above the 50th best example", Vote(floor=50)),
    ("(d) top 3", Vote(top_k=3)),
    ("(d) top 5 at decay 0.6", Vote(decay=0.6)),
    ("shipped (session 8: rarefied, the best example kept)", None),
)


@contextlib.contextmanager
def voting(vote: Vote | None) -> Iterator[None]:
    """Routers built inside use the ``vote`` example index (None: the shipped one)."""
    if vote is None:
        yield
        return
    shipped = router_module.__dict__["ExampleIndex"]
    setattr(router_module, "ExampleIndex", balanced_index(vote))  # noqa: B010
    try:
        yield
    finally:
        setattr(router_module, "ExampleIndex", shipped)  # noqa: B010


# ------------------------------------------------------------------ the measures


RETIRED_HELDOUT = {"heldout": HELDOUT, "heldout4": HELDOUT4, "heldout5": HELDOUT5,
                   "heldout6": HELDOUT6, "heldout7": HELDOUT7, "heldout8": HELDOUT8,
                   **SESSION7_HELDOUT}
RETIRED_TUNING = {"frozen": "frozen-2026-12-03.jsonl",
                  "tuning4": "tuning-2026-12-03-s4.jsonl"}
OWN = {"dev": None, "own": "heldout-own.jsonl", "fresh": "heldout-own-fresh.jsonl"}
PROBE_SETS = {"probes4": PROBES, "probes5": PROBES5, "probes6": PROBES6}
NEAR_SETS = {"near3": "safety-near-misses.jsonl", "near4": NEAR4, "near5": NEAR5,
             "near6": NEAR6}


def question_sets() -> dict[str, list[dict[str, Any]]]:
    sets = {key: read_jsonl(LOCAL / name) for key, name in RETIRED_HELDOUT.items()}
    sets |= {key: read_jsonl(LOCAL / name) for key, name in RETIRED_TUNING.items()}
    sets["dev"] = read_jsonl(data_file("dev-questions.jsonl"))
    sets |= {key: read_jsonl(LOCAL / name) for key, name in OWN.items() if name}
    sets |= {key: read_jsonl(LOCAL / name) for key, name in PROBE_SETS.items()}
    sets |= {key: read_jsonl(LOCAL / name) for key, name in NEAR_SETS.items()}
    return sets


#: The make-dev map's example-imbalance cases (outside8 finding 4): question -> check.
DEV_CASES: tuple[tuple[str, str, Callable[[Any], bool]], ...] = (
    ("crying baby: no VT first",
     "baby van 8 maanden huilt de hele nacht, de moeder is uitgeput",
     lambda a: not a.safety and not a.caution and a.results[0].service_id != VT_DEV),
    ("language course: Taalhuis, no VT in top 3",
     "vrouw spreekt nauwelijks Nederlands en wil graag op taalles",
     lambda a: a.results[0].service_id == "taalhuis"
     and VT_DEV not in [r.service_id for r in a.results[:3]]),
    ("lonely woman of 78: Ouderenadvies first",
     "geen schulden, wel eenzaam: mevrouw van 78 in Zuid zit de hele dag alleen thuis",
     lambda a: a.results[0].service_id == "ouderenadvies"),
    ("young man with debts: Schuldhulp first",
     "jonge man van 23 heeft een huurachterstand en een DUO-schuld en wil hulp met zijn "
     "schulden",
     lambda a: a.results[0].service_id == "schuldhulp"),
)
#: The benchmark map's cases (test_routing_safety_s8.py, partner permission).
BENCH_CASES: tuple[tuple[str, str, Callable[[Any], bool]], ...] = tuple(
    (f"partner permission: no VT in top 3 ({text[:24]}...)", text,
     lambda a: not a.caution and VT not in [r.service_id for r in a.results[:3]])
    for text in ("ik mag van mijn man een cursus doen",
                 "Ik mag van mijn vriend gewoon werken, maar ik zoek kinderopvang."))


@dataclass
class Tally:
    n: int = 0
    top1: int = 0
    top3: int = 0
    safety_n: int = 0
    safety_top3: int = 0
    vt_first: int = 0
    vt_right: int = 0
    vt_top3: int = 0
    plain: int = 0
    seen: dict[str, int] = field(default_factory=dict)

    def add(self, q: dict[str, Any], answer: Any, vt: str) -> None:
        found = [r.service_id for r in answer.results]
        wanted = set(q["expected"]) | set(q["acceptable"])
        if q["expected"]:
            self.n += 1
            self.top1 += bool(found) and found[0] in q["expected"]
            self.top3 += any(s in wanted for s in found[:3])
        if q.get("safety"):
            self.safety_n += 1
            self.safety_top3 += any(s in q["expected"] for s in found[:3])
        if not answer.safety and found and found[0] == vt and vt in q["expected"]:
            self.vt_right += 1
        if not answer.safety and not q.get("safety") and vt not in wanted:
            self.plain += 1
            self.vt_first += bool(found) and found[0] == vt
            self.vt_top3 += vt in found[:3]


def measure(vote: Vote | None, sets: Mapping[str, list[dict[str, Any]]],
            bench_map: Any, dev_map: Any, *, confidence: bool = False) -> dict[str, Any]:
    """Every figure of one variant (see the module docstring)."""
    cache: dict[str, Router] = {}
    with voting(vote):
        def router_for(key: str) -> Router:
            name = file_name(key) if key in ASKED else ""
            if name not in cache:
                files = [f for f in default_files() if f.name != name]
                cache[name] = Router(bench_map, examples=load_examples(files))
            return cache[name]

        dev_router = Router(dev_map)
        tallies: dict[str, Tally] = {}
        for key, questions in sets.items():
            router = router_for(key)
            tally = tallies[key] = Tally()
            for q in questions:
                tally.add(q, router.route(q["question"], q["context"]), VT)
        cases = [(label, check(dev_router.route(text))) for label, text, check in DEV_CASES]
        cases += [(label, check(router_for("").route(text)))
                  for label, text, check in BENCH_CASES]
        fitted = calibrate(router_for, calibration_sets()) if confidence else None
    return {"tallies": tallies, "cases": cases, "calibration": fitted}


def pooled(tallies: Mapping[str, Tally], keys: Sequence[str]) -> Tally:
    out = Tally()
    for key in keys:
        t = tallies[key]
        for name in ("n", "top1", "top3", "safety_n", "safety_top3", "vt_first", "vt_right",
                     "vt_top3", "plain"):
            setattr(out, name, getattr(out, name) + getattr(t, name))
    return out


def row(label: str, figures: Mapping[str, Any]) -> list[str]:
    t = figures["tallies"]
    heldout = pooled(t, list(RETIRED_HELDOUT))
    retired = pooled(t, [*RETIRED_HELDOUT, *RETIRED_TUNING])
    own = pooled(t, list(OWN))
    probes = pooled(t, list(PROBE_SETS))
    everything = pooled(t, list(t))
    near = pooled(t, list(NEAR_SETS))
    cases = figures["cases"]
    fitted = figures.get("calibration")
    confident = (f"{fitted['confident_at']}: {fitted['oof_plain_right']}/"
                 f"{fitted['oof_plain_confident']}" if fitted else "–")
    return [
        label,
        f"{heldout.top1 / heldout.n:.3f}", f"{heldout.top3 / heldout.n:.3f}",
        f"{retired.top1 / retired.n:.3f}", f"{retired.top3 / retired.n:.3f}",
        f"{own.top1 / own.n:.3f}", f"{own.top3 / own.n:.3f}",
        f"{probes.safety_top3}/{probes.safety_n}",
        f"{heldout.safety_top3}/{heldout.safety_n}",
        f"{everything.vt_first} ({near.vt_first})", str(everything.vt_right),
        f"{everything.vt_top3}/{everything.plain}",
        f"{sum(ok for _, ok in cases)}/{len(cases)}",
        confident,
    ]


HEADER = ["variant", "s3–s11 top-1", "top-3", "+frozen, tuning4 top-1", "top-3",
          "dev+own top-1", "top-3", "probes safety top 3", "s3–s11 safety top 3",
          "VT 1st w/o signal (near misses)", "VT 1st w/o signal, right",
          "VT top 3 w/o signal", "dev-map cases",
          "refitted threshold: plain answers right/confident (out of fold)"]


def table(rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", help="variant numbers to run (default: all)")
    parser.add_argument("--cases", action="store_true", help="print each case per variant")
    parser.add_argument("--confidence", action="store_true",
                        help="also refit the confidence per variant (bench.routing "
                        "--calibrate: about a minute each)")
    args = parser.parse_args(argv)
    bench_map = load_map(data_file("amsterdam-demo.hsds.json"))
    dev_map = load_map(demo_map_path())
    sets = question_sets()
    chosen = [v for i, v in enumerate(VARIANTS) if not args.only or str(i) in args.only]
    rows = []
    for label, vote in chosen:
        start = time.perf_counter()
        figures = measure(vote, sets, bench_map, dev_map, confidence=args.confidence)
        rows.append(row(label, figures))
        print(f"{label}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
        if args.cases:
            for case, ok in figures["cases"]:
                print(f"    {'ok ' if ok else 'NO '} {case}", file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
