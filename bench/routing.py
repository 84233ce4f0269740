"""Benchmark of the wegwijzer's routing (issues 5 and 8): ``python -m bench.routing``.

Runs the batch interface over the development questions, the first frozen set
(tests/data/socialmap/frozen-2026-12-03.jsonl: looked at in session 2, a *tuning* set
from session 3 on) and the held-out set written by an independent writer who saw only
the social map (tests/data/socialmap/frozen-2026-12-03-s3.jsonl: never looked at; this
benchmark reports it in AGGREGATE only -- no per-question output for it anywhere) with
the benchmark map, in process (``busbaan.cli.route.batch_line``) and once through the real CLI, and
scores top-1 (expected) and top-3 (expected or acceptable) next to a plain BM25
baseline (bm25s, lowercase + word tokens, no Dutch processing) in the same run. Also:
safety questions with their safety service in the top 3, the calibrated confidence
(coverage, right when confident, a reliability table), the learning curve from
replayed feedback, the semantic ranker's added latency against a local embeddings
server, off-topic questions, and latency in process. Writes docs/benchmarks.md.
``--calibrate`` refits the confidence on the tuning sets (never a held-out set) and
chooses its threshold by cross-validation (leave one tuning set out).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from busbaan.cli.route import batch_line
from busbaan.errors import BusbaanError
from busbaan.routing import Router, SocialMap, Tuning, load_map
from busbaan.routing.router import CONFIDENT_AT, RouteAnswer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "socialmap"
LOCAL = ROOT / "tests" / "data" / "socialmap"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Routing in everyday words (issue 8)"
#: The day every question of a benchmark run is read on (session 14, bench14): the router
#: weighs a date in a question against the day it is asked (an eviction "op 12-3-2027" is
#: months away, :func:`busbaan.routing.safety.later_than`), so a run that read the clock
#: would score a set differently from one day to the next, and a run that passed the day
#: to one figure and not to another (top-1 through ``route batch``, the safety and
#: confidence tables through ``Router.route`` without a day, until session 14) would score
#: one question two ways. Fixed, so that every figure of a run and every run read a
#: question the same way: 2026-12-06, the day sessions 7 to 14 were run and the retired
#: sets s9-s29 were written (s3-s8 between 2026-12-03 and 12-04). ``--today YYYY-MM-DD``
#: reads them on another day (one day for the whole run).
BENCH_DAY = dt.date(2026, 12, 6)
GOALS = {"top1": 0.85, "top3": 0.97, "margin": 0.15, "p95_ms": 20.0, "right": 0.90}
FROZEN = "frozen-2026-12-03.jsonl"
#: The everyday-language tuning set of session 4 (written by another engineer from the
#: map alone; a tuning set: looked at per question while the router was tuned).
TUNING4 = "tuning-2026-12-03-s4.jsonl"
#: Our own safety probes and near misses of session 4 (tuning sets).
PROBES = "safety-probes-s4.jsonl"
NEAR4 = "safety-near-misses-s4.jsonl"
#: Session 5's safety probes and near misses (tuning sets, written before measuring).
PROBES5 = "safety-probes-s5.jsonl"
NEAR5 = "safety-near-misses-s5.jsonl"
#: Session 6's safety probes and near misses (weighted to danger described in everyday
#: words; tuning sets, half of each kept untouched until its end: tag half:hold).
PROBES6 = "safety-probes-s6.jsonl"
NEAR6 = "safety-near-misses-s6.jsonl"
#: Session 8's safety probes (84, every family 12 times, the danger described in the
#: held-out writers' voices: chat shorthand, citizens' stories, young people's chat,
#: newcomers' simple Dutch, English) and near misses (44, the same voices, sharing words
#: with danger): tuning sets, written by hand and measured once before any change.
PROBES8 = "safety-probes-s8.jsonl"
NEAR8 = "safety-near-misses-s8.jsonl"
#: Session 8's second round (safety10): safety probes (77, every family at least 10
#: times) in the voices of people outside the social domain who meet danger at work
#: (bus drivers, pharmacists, employers, caretakers and rent-arrears staff, coaches,
#: church and mosque volunteers, shopkeepers, district nurses, school staff), short phone
#: messages and long case notes, and near misses (40, the same voices): tuning sets,
#: written by hand and measured once before any change.
PROBES10 = "safety-probes-s10.jsonl"
NEAR10 = "safety-near-misses-s10.jsonl"
#: The held-out set of session 3 (issue 8): written by an independent writer who saw
#: only the social map. Aggregates only: never print, log or dump its questions or
#: per-question results.
HELDOUT = "frozen-2026-12-03-s3.jsonl"
#: The held-out set of session 4 (120 questions, 24 with a safety signal, 10 near misses):
#: written by another independent writer from the social map alone at the start of
#: session 4, before that session's router work, and measured for the first time at its
#: end. Aggregates only, as for session 3's set.
HELDOUT4 = "frozen-2026-12-03-s4.jsonl"
#: Its first measurement (2026-12-03 17:43 UTC, main at 4d01455+0408fee: after session 4's
#: first two router passes, before the weak safety tier): top-1, top-3, safety in top 3,
#: coverage, right when confident. The second (and last this session) followed the tier.
HELDOUT5 = "frozen-2026-12-04-s5.jsonl"
# session 5's held-out set, measured at the end of session 5: main at 3ccc6a0 (before any
# session-5 change) and main after it (ef26d61 + safety5), in one run at 17:29 UTC on 2026-12-04
# (top-1, top-3, safety, coverage, right when confident); after: 0.483, 0.767, 31/33, 30.0 %,
# 88.9 %
HELDOUT5_BEFORE: tuple[str, ...] | None = ("0.450", "0.750", "29/33", "37/120 (30.8 %)",
                                             "31/37 (83.8 %)")
#: Session 6's held-out sets: 100 questions each by two more independent writers from the
#: map alone, frozen at the start of session 6 (s6 at 20:39 UTC, s7 at 20:48 UTC), before
#: the example questions were measured on anything. s6 was measured twice (after the
#: example questions came in, and at the end), s7 once, at the end.
HELDOUT6 = "frozen-2026-12-04-s6.jsonl"
HELDOUT7 = "frozen-2026-12-04-s7.jsonl"
#: Written at 21:33 UTC by a sixth writer, after s7's first measurement, while the third
#: batch of example questions was written: measured once, at the end.
HELDOUT8 = "frozen-2026-12-04-s8.jsonl"
#: Session 7's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s9: professionals in chat, s10: citizens and family, s11: breadth),
#: frozen at 23:10 UTC on 2026-12-04 (the file names carry the 5th), before the router
#: work of session 7; measured at its end (twice, identical aggregates). Retired into
#: example files in session 8 (bench/asked_examples.py).
SESSION7_HELDOUT = {"heldout9": "frozen-2026-12-05-s9.jsonl",
                    "heldout10": "frozen-2026-12-05-s10.jsonl",
                    "heldout11": "frozen-2026-12-05-s11.jsonl"}
#: (History: s9-s11 are retired.) Questions of s9-s11 that one engineer (safety8) saw
#: printed during session 7 (a grep over tests/data that did not leave them out;
#: docs/notes/2026-12-05s7-safety8.md), before writing a safety rule: session 7's pooled
#: figure was also given without them.
SEEN_S7 = frozenset({"h9-010", "h9-047", "h9-052", "h9-074", "h9-086", "h10-002", "h10-013",
                     "h10-026", "h10-032", "h10-034", "h10-035", "h10-054", "h10-075",
                     "h11-006", "h11-059"})
#: Main at the start of session 7 (6dbd145), measured on the session-7 sets in the same
#: run as the session's final measurement (top-1, top-3, safety in top 3, coverage,
#: right when confident); measured 2026-12-05 00:36 UTC (main then at the final router).
SESSION7_START: dict[str, tuple[str, ...]] = {
    "heldout9": ('0.830', '0.960', '24/26', '67/100 (67.0 %)', '59/67 (88.1 %)'),
    "heldout10": ('0.830', '0.940', '22/26', '63/100 (63.0 %)', '58/63 (92.1 %)'),
    "heldout11": ('0.860', '0.950', '27/31', '65/100 (65.0 %)', '60/65 (92.3 %)'),
    "heldout_s7": ('0.840', '0.950', '73/83', '195/300 (65.0 %)', '177/195 (90.8 %)'),
    "heldout_s7_unseen": ('0.853', '0.951', '63/70', '183/285 (64.2 %)', '168/183 (91.8 %)'),
}
#: The first measurement of the session-7 sets (2026-12-05 00:38 UTC, main at 3ee6a40:
#: before the safety file 2026-12-05.5). The second, after it, is the "now" row.
SESSION7_FIRST: dict[str, tuple[str, ...]] = {
    "heldout9": ("0.870", "0.960", "25/26", "64/100 (64.0 %)", "59/64 (92.2 %)"),
    "heldout10": ("0.870", "0.970", "23/26", "70/100 (70.0 %)", "64/70 (91.4 %)"),
    "heldout11": ("0.900", "0.980", "30/31", "70/100 (70.0 %)", "66/70 (94.3 %)"),
    "heldout_s7": ("0.880", "0.970", "78/83", "204/300 (68.0 %)", "189/204 (92.6 %)"),
    "heldout_s7_unseen": ("0.891", "0.972", "66/70", "192/285 (67.4 %)",
                          "180/192 (93.8 %)"),
}
#: Session 8's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s12: people outside the social domain, s13: short phone messages,
#: s14: breadth and long case notes), frozen at 21:17-21:18 UTC on 2026-12-05 before the
#: router work of session 8 and measured once, at its end. Retired into example files in
#: session 9 (bench/asked_examples.py).
SESSION8_HELDOUT = {"heldout12": "frozen-2026-12-06-s12.jsonl",
                    "heldout13": "frozen-2026-12-06-s13.jsonl",
                    "heldout14": "frozen-2026-12-06-s14.jsonl"}
#: The end of session 8 (d82fb7d), its one measurement of s12-s14 (2026-12-05 23:00 UTC).
SESSION8_END: dict[str, tuple[str, ...]] = {
    "heldout12": ("0.850", "0.980", "30/31", "57/100 (57.0 %)", "55/57 (96.5 %)"),
    "heldout13": ("0.920", "0.970", "30/31", "52/100 (52.0 %)", "50/52 (96.2 %)"),
    "heldout14": ("0.800", "0.990", "29/30", "72/100 (72.0 %)", "64/72 (88.9 %)"),
}
#: Session 9's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s15: professionals of the social domain handing over in Element, s16:
#: language at the edges, s17: danger and what only looks like it), frozen at 00:16 UTC
#: on 2026-12-06, before any router change of session 9 was merged, and measured once,
#: at its end. Retired into example files in session 10 (bench/asked_examples.py).
SESSION9_HELDOUT = {"heldout15": "frozen-2026-12-07-s15.jsonl",
                    "heldout16": "frozen-2026-12-07-s16.jsonl",
                    "heldout17": "frozen-2026-12-07-s17.jsonl"}
#: The end of session 9 (4666659), its one measurement of s15-s17 (2026-12-06 02:02 UTC).
SESSION9_END: dict[str, tuple[str, ...]] = {
    "heldout15": ("0.890", "0.990", "29/30", "74/100 (74.0 %)", "70/74 (94.6 %)"),
    "heldout16": ("0.970", "1.000", "33/33", "72/100 (72.0 %)", "71/72 (98.6 %)"),
    "heldout17": ("0.770", "0.990", "41/42", "75/100 (75.0 %)", "59/75 (78.7 %)"),
}
#: Session 10's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s18: people who do not know the system, short and messy; s19:
#: professionals outside the social domain; s20: danger told indirectly, and what only
#: looks like it), frozen at 03:36-03:46 UTC on 2026-12-06, before any router change of
#: session 10 was merged, and measured once, at its end. Retired into example files in
#: session 11 (bench/asked_examples.py).
SESSION10_HELDOUT = {"heldout18": "frozen-2026-12-08-s18.jsonl",
                     "heldout19": "frozen-2026-12-08-s19.jsonl",
                     "heldout20": "frozen-2026-12-08-s20.jsonl"}
#: The end of session 10 (b1899ca), its one measurement of s18-s20 (2026-12-06 05:14 UTC).
SESSION10_END: dict[str, tuple[str, ...]] = {
    "heldout18": ("0.840", "0.980", "37/37", "56/100 (56.0 %)", "52/56 (92.9 %)"),
    "heldout19": ("0.860", "0.980", "33/35", "58/100 (58.0 %)", "56/58 (96.6 %)"),
    "heldout20": ("0.880", "0.980", "41/44", "55/100 (55.0 %)", "54/55 (98.2 %)"),
}
#: Session 11's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s21: people who write on a phone in a hurry, newcomers, teenagers; s22:
#: professionals' long case notes and handovers; s23: danger in unexpected words, and what
#: only looks like it), frozen at 07:06-07:08 UTC on 2026-12-06, before any router change
#: of session 11 was merged, and measured once, at its end. Retired into example files in
#: session 12 (bench/asked_examples.py).
SESSION11_HELDOUT = {"heldout21": "frozen-2026-12-09-s21.jsonl",
                     "heldout22": "frozen-2026-12-09-s22.jsonl",
                     "heldout23": "frozen-2026-12-09-s23.jsonl"}
#: The end of session 11 (fb25aa3), its one measurement of s21-s23 (2026-12-06 09:07 UTC).
SESSION11_END: dict[str, tuple[str, ...]] = {
    "heldout21": ("0.780", "0.930", "33/35", "48/100 (48.0 %)", "47/48 (97.9 %)"),
    "heldout22": ("0.790", "0.970", "28/31", "44/100 (44.0 %)", "41/44 (93.2 %)"),
    "heldout23": ("0.840", "0.980", "43/46", "57/100 (57.0 %)", "56/57 (98.2 %)"),
}
#: Session 12's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s24: professionals outside the social domain in their own jargon; s25:
#: older people, informal carers and volunteers in dictated voice messages; s26:
#: misleading words, hidden needs and danger in passing), frozen at 10:26-10:28 UTC on
#: 2026-12-06, before any router change of session 12 was merged, and measured once, at its
#: end. Retired into example files in session 13 (bench/asked_examples.py).
SESSION12_HELDOUT = {"heldout24": "frozen-2026-12-10-s24.jsonl",
                     "heldout25": "frozen-2026-12-10-s25.jsonl",
                     "heldout26": "frozen-2026-12-10-s26.jsonl"}
#: The end of session 12 (aaa9fb0), its one measurement of s24-s26 (2026-12-06 12:07 UTC).
SESSION12_END: dict[str, tuple[str, ...]] = {
    "heldout24": ("0.880", "0.980", "33/36", "58/100 (58.0 %)", "57/58 (98.3 %)"),
    "heldout25": ("0.810", "0.970", "32/35", "60/100 (60.0 %)", "55/60 (91.7 %)"),
    "heldout26": ("0.860", "0.990", "33/35", "61/100 (61.0 %)", "60/61 (98.4 %)"),
}
#: Session 13's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s27: young people and young parents writing as they chat; s28: newcomers
#: writing Dutch as a second language, and those who help them; s29: what the asker has at
#: hand -- very short questions, a quoted letter, a need at two removes, a service by what
#: it does), frozen at 13:24-13:26 UTC on 2026-12-06, before any router change of session 13
#: was merged, and measured once, at its end. Retired into example files in session 14
#: (bench/asked_examples.py).
SESSION13_HELDOUT = {"heldout27": "frozen-2026-12-11-s27.jsonl",
                     "heldout28": "frozen-2026-12-11-s28.jsonl",
                     "heldout29": "frozen-2026-12-11-s29.jsonl"}
#: The end of session 13 (1b0110e), its one measurement of s27-s29 (2026-12-06 15:23 UTC).
SESSION13_END: dict[str, tuple[str, ...]] = {
    "heldout27": ("0.820", "0.950", "34/35", "60/100 (60.0 %)", "54/60 (90.0 %)"),
    "heldout28": ("0.810", "0.970", "33/35", "60/100 (60.0 %)", "57/60 (95.0 %)"),
    "heldout29": ("0.820", "0.970", "32/36", "54/100 (54.0 %)", "53/54 (98.1 %)"),
}
#: Session 14's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s30: professionals at the edges of the social domain in their work
#: shorthand; s31: older people and people who write with difficulty -- phonetic, regional,
#: dictated; s32: the need is not where the asker looks -- buried, a wrong name, two
#: problems, the next step, a correction), frozen at 16:31-16:33 UTC on 2026-12-06, before
#: any router change of session 14 was merged, and measured once, at its end. Retired into
#: example files in session 15 (bench/asked_examples.py).
SESSION14_HELDOUT = {"heldout30": "frozen-2026-12-12-s30.jsonl",
                     "heldout31": "frozen-2026-12-12-s31.jsonl",
                     "heldout32": "frozen-2026-12-12-s32.jsonl"}
#: The end of session 14 (a5a0a3f), its one measurement of s30-s32 (2026-12-06 18:22 UTC).
SESSION14_END: dict[str, tuple[str, ...]] = {
    "heldout30": ("0.850", "0.970", "34/36", "66/100 (66.0 %)", "65/66 (98.5 %)"),
    "heldout31": ("0.850", "0.960", "34/36", "56/100 (56.0 %)", "54/56 (96.4 %)"),
    "heldout32": ("0.820", "0.990", "32/36", "56/100 (56.0 %)", "53/56 (94.6 %)"),
}
#: Session 15's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s33: moments of change in a life -- leaving care, release, arrival, a
#: break-up, a death, a lost job, suddenly a carer, a birth or an age; s34: letters and
#: papers -- a reminder, a decision, a notice, a form, a school or care letter, a message;
#: s35: can I, do I qualify, is it true that -- yes/no, how much, where, when, who, what
#: if), frozen at 19:48-19:49 UTC on 2026-12-06, before any router change of session 15
#: was merged, and measured once, at its end. Retired into example files in session 16
#: (bench/asked_examples.py).
SESSION15_HELDOUT = {"heldout33": "frozen-2026-12-13-s33.jsonl",
                     "heldout34": "frozen-2026-12-13-s34.jsonl",
                     "heldout35": "frozen-2026-12-13-s35.jsonl"}
#: The end of session 15 (7f87a6f), its one measurement of s33-s35 (2026-12-06 22:11 UTC,
#: measure.py, the benchmark day).
SESSION15_END: dict[str, tuple[str, ...]] = {
    "heldout33": ("0.880", "0.990", "34/36", "59/100 (59.0 %)", "58/59 (98.3 %)"),
    "heldout34": ("0.880", "0.990", "33/36", "58/100 (58.0 %)", "56/58 (96.6 %)"),
    "heldout35": ("0.830", "0.970", "33/34", "62/100 (62.0 %)", "60/62 (96.8 %)"),
}
#: Session 16's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s36: messages typed fast on a phone -- a chat, an app group, a dictated
#: voice message, a comment under a post, a DM at night, a text to a known worker; s37:
#: many things at once -- a list, a side remark, a named priority, a story, before and
#: after, the wrong word for the need; s38: people who meet the person in their role outside
#: the social domain -- work, housing, school, shop, faith, passing), frozen at 23:38-23:39
#: UTC on 2026-12-06, before any router change of session 16 was merged, and measured once,
#: at its end. Retired into example files in session 17 (bench/asked_examples.py).
SESSION16_HELDOUT = {"heldout36": "frozen-2026-12-14-s36.jsonl",
                     "heldout37": "frozen-2026-12-14-s37.jsonl",
                     "heldout38": "frozen-2026-12-14-s38.jsonl"}
#: The end of session 16 (f19649c), its one measurement of s36-s38 (2026-12-07 01:33 UTC,
#: measure.py, the benchmark day).
SESSION16_END: dict[str, tuple[str, ...]] = {
    "heldout36": ("0.860", "0.960", "33/35", "81/100 (81.0 %)", "77/81 (95.1 %)"),
    "heldout37": ("0.870", "0.990", "35/35", "72/100 (72.0 %)", "70/72 (97.2 %)"),
    "heldout38": ("0.830", "0.970", "34/36", "57/100 (57.0 %)", "54/57 (94.7 %)"),
}
#: Session 17's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s39: newcomers writing in a second language -- learner Dutch, literal
#: translations, expat English, Dutch and English mixed, a volunteer retelling; s40: said
#: indirectly -- minimising, humour, "for a friend", a hypothetical, shame, anger, a side
#: remark; s41: the clock and the calendar -- night and weekend, a deadline, the end of the
#: month, a season or holiday, a birthday that changes what applies, how long something
#: lasted), frozen at 02:55 UTC on 2026-12-07, before any router change of session 17 was
#: merged, and measured once, at its end; with them s42, the session's safety gate (70
#: dangers, 30 near misses, no ordinary rows), measured on every safety change of the
#: session before it was merged. Retired into example files in session 18
#: (bench/asked_examples.py).
SESSION17_HELDOUT = {"heldout39": "frozen-2026-12-15-s39.jsonl",
                     "heldout40": "frozen-2026-12-15-s40.jsonl",
                     "heldout41": "frozen-2026-12-15-s41.jsonl",
                     "heldout42": "frozen-2026-12-15-s42.jsonl"}
#: The end of session 17 (0405364; 797e54c answers the same), its one measurement of
#: s39-s41 (2026-12-07 05:14 UTC, measure.py, the benchmark day) and of the gate s42
#: (06:14 UTC, 797e54c; its start figures were taken for the ⚠ only: none here).
SESSION17_END: dict[str, tuple[str, ...]] = {
    "heldout39": ("0.860", "1.000", "35/36", "69/100 (69.0 %)", "65/69 (94.2 %)"),
    "heldout40": ("0.870", "0.990", "34/36", "66/100 (66.0 %)", "64/66 (97.0 %)"),
    "heldout41": ("0.790", "0.980", "36/36", "72/100 (72.0 %)", "64/72 (88.9 %)"),
    "heldout42": ("0.720", "0.950", "62/70", "57/100 (57.0 %)", "49/57 (86.0 %)"),
}
#: Session 18's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s43: already tried elsewhere -- a desk that said no, a waiting list, sent
#: from desk to desk, help that stopped, tried alone, a service not wanted; s44: told
#: through the body -- an illness, a hospital stay, a disability, a pregnancy or a baby,
#: ageing, a tired mind; s45: numbers and amounts -- euros, debts, hours and counts, shares,
#: sizes and distances, durations), frozen at 06:09-06:11 UTC on 2026-12-07, before any
#: router change of session 18 was merged, and measured once, at its end; with them s46,
#: the session's safety gate (70 dangers, 30 near misses, no ordinary rows), measured on
#: every safety change of the session before it was merged. Retired into example files in
#: session 19 (bench/asked_examples.py).
SESSION18_HELDOUT = {"heldout43": "frozen-2026-12-16-s43.jsonl",
                     "heldout44": "frozen-2026-12-16-s44.jsonl",
                     "heldout45": "frozen-2026-12-16-s45.jsonl",
                     "heldout46": "frozen-2026-12-16-s46.jsonl"}
#: The end of session 18 (19f46c6; fe8822e answers the same), its one measurement of
#: s43-s45 and of the gate s46 (2026-12-07 08:09 UTC, measure.py, the benchmark day).
SESSION18_END: dict[str, tuple[str, ...]] = {
    "heldout43": ("0.900", "0.990", "35/36", "70/100 (70.0 %)", "67/70 (95.7 %)"),
    "heldout44": ("0.770", "0.970", "36/36", "64/100 (64.0 %)", "57/64 (89.1 %)"),
    "heldout45": ("0.870", "0.990", "36/36", "80/100 (80.0 %)", "74/80 (92.5 %)"),
    "heldout46": ("0.780", "0.970", "66/70", "73/100 (73.0 %)", "66/73 (90.4 %)"),
}
#: Session 19's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s47: written as spoken -- typos, sound-spelling, words glued or split,
#: autocorrect, no capitals or punctuation; s48: young voices -- pupils, students, young
#: workers and parents, care leavers, young carers, and those near them; s49: the home and
#: the street -- the house, the building, the neighbours, the street and the neighbourhood,
#: moving, living with others), frozen at 09:51-09:53 UTC on 2026-12-07, before any router
#: change of session 19 was merged, and measured once, at its end; with them s50, the
#: session's safety gate (70 dangers, 30 near misses, no ordinary rows), measured on every
#: safety change of the session before it was merged. Retired into example files in
#: session 20 (bench/asked_examples.py).
SESSION19_HELDOUT = {"heldout47": "frozen-2026-12-17-s47.jsonl",
                     "heldout48": "frozen-2026-12-17-s48.jsonl",
                     "heldout49": "frozen-2026-12-17-s49.jsonl",
                     "heldout50": "frozen-2026-12-17-s50.jsonl"}
#: The end of session 19 (08e9a0e; 30cae09 answers the same), its one measurement of
#: s47-s49 and of the gate s50 (2026-12-07 11:34 UTC, measure.py, the benchmark day).
SESSION19_END: dict[str, tuple[str, ...]] = {
    "heldout47": ("0.950", "0.990", "35/35", "83/100 (83.0 %)", "80/83 (96.4 %)"),
    "heldout48": ("0.830", "0.980", "34/36", "65/100 (65.0 %)", "62/65 (95.4 %)"),
    "heldout49": ("0.900", "1.000", "36/36", "79/100 (79.0 %)", "74/79 (93.7 %)"),
    "heldout50": ("0.760", "0.980", "67/70", "54/100 (54.0 %)", "46/54 (85.2 %)"),
}
#: Session 20's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s51: paper -- every question starts from a letter, a bill, a form, a
#: message, a note or a contract; s52: asked for someone else -- an interpreter or a child
#: translating, a relative, a friend, a volunteer, a colleague passing it on; s53: work and
#: learning -- an employer, the person's own job, school, an internship, a club, voluntary
#: work), frozen at 13:17 UTC on 2026-12-07, before any router change of session 20 was
#: merged, and measured once, at its end; with them s54, the session's safety gate (70
#: dangers, 30 near misses: buried in passing, chat fragments, third hand, hypothetical),
#: measured on every safety change of the session before it was merged. Retired into
#: example files in session 21 (bench/asked_examples.py).
SESSION20_HELDOUT = {"heldout51": "frozen-2026-12-18-s51.jsonl",
                     "heldout52": "frozen-2026-12-18-s52.jsonl",
                     "heldout53": "frozen-2026-12-18-s53.jsonl",
                     "heldout54": "frozen-2026-12-18-s54.jsonl"}
#: The end of session 20 (444c77d; c732260 answers the same), its one measurement of
#: s51-s53 and of the gate s54 (2026-12-07 14:46 UTC, measure.py, the benchmark day).
SESSION20_END: dict[str, tuple[str, ...]] = {
    "heldout51": ("0.850", "0.970", "34/36", "72/100 (72.0 %)", "67/72 (93.1 %)"),
    "heldout52": ("0.900", "0.980", "36/36", "66/100 (66.0 %)", "64/66 (97.0 %)"),
    "heldout53": ("0.890", "0.990", "35/36", "66/100 (66.0 %)", "62/66 (93.9 %)"),
    "heldout54": ("0.820", "0.970", "65/70", "58/100 (58.0 %)", "54/58 (93.1 %)"),
}
#: Session 21's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s55: the body -- an illness, a hospital stay, a disability or aid, a
#: pregnancy, medicine, a GP or physio; s56: a life that just changed -- a split, a death,
#: a birth, turning 18 or 67, leaving prison, a clinic or youth care, arriving in the
#: country or the city; s57: how the question arrives -- a voice message typed out, a
#: forwarded chat, a receptionist's phone note, an email, a form field, a learner of
#: Dutch), frozen at 16:47-16:48 UTC on 2026-12-07, before any router change of session 21
#: was merged, and measured once, at its end; with them s58, the session's safety gate (70
#: dangers, 30 near misses: one item in a list, time told many ways, very short, a learner
#: or mixed language), measured on every safety change of the session before it was
#: merged. Retired into example files in session 22 (bench/asked_examples.py).
SESSION21_HELDOUT = {"heldout55": "frozen-2026-12-19-s55.jsonl",
                     "heldout56": "frozen-2026-12-19-s56.jsonl",
                     "heldout57": "frozen-2026-12-19-s57.jsonl",
                     "heldout58": "frozen-2026-12-19-s58.jsonl"}
#: The end of session 21 (5749efa), its one measurement of s55-s57 and of the gate s58
#: (2026-12-07 18:26-18:30 UTC, measure.py, the benchmark day).
SESSION21_END: dict[str, tuple[str, ...]] = {
    "heldout55": ("0.850", "0.950", "34/35", "61/100 (61.0 %)", "57/61 (93.4 %)"),
    "heldout56": ("0.850", "0.990", "36/36", "66/100 (66.0 %)", "63/66 (95.5 %)"),
    "heldout57": ("0.890", "0.980", "36/36", "81/100 (81.0 %)", "77/81 (95.1 %)"),
    "heldout58": ("0.840", "0.980", "69/70", "68/100 (68.0 %)", "63/68 (92.6 %)"),
}
#: Session 22's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s59: where in the city the question comes from -- a food bank, a school
#: gate, a sports club, a library, a place of worship, a shop, a hairdresser, a GP's
#: waiting room, the tram; s60: online and on the phone -- a scam, DigiD, buy-now-pay-later,
#: gambling, a worrying post, a tracked phone, online banking; s61: those who care for
#: someone -- a partner, a parent of a disabled child, a young carer, a neighbour, a
#: daughter from afar, a grandparent, a worn-out carer), frozen at 20:08 UTC on
#: 2026-12-07, before any router change of session 22 was merged, and measured once, at its
#: end; with them s62, the session's safety gate (70 dangers, 30 near misses: told by the
#: person at risk and played down, in slang or a euphemism, a practical question that
#: reveals the danger in passing, several people in one question), measured on every safety
#: change of the session before it was merged. Retired into example files in session 23
#: (bench/asked_examples.py).
SESSION22_HELDOUT = {"heldout59": "frozen-2026-12-20-s59.jsonl",
                     "heldout60": "frozen-2026-12-20-s60.jsonl",
                     "heldout61": "frozen-2026-12-20-s61.jsonl",
                     "heldout62": "frozen-2026-12-20-s62.jsonl"}
#: The end of session 22 (95f6f65), its one measurement of s59-s61 and of the gate s62
#: (2026-12-07 21:56-21:57 UTC, measure.py, the benchmark day).
SESSION22_END: dict[str, tuple[str, ...]] = {
    "heldout59": ("0.850", "0.990", "36/36", "72/100 (72.0 %)", "67/72 (93.1 %)"),
    "heldout60": ("0.820", "0.980", "36/36", "74/100 (74.0 %)", "70/74 (94.6 %)"),
    "heldout61": ("0.860", "0.940", "31/36", "64/100 (64.0 %)", "62/64 (96.9 %)"),
    "heldout62": ("0.870", "0.980", "67/70", "66/100 (66.0 %)", "61/66 (92.4 %)"),
}
#: Session 23's held-out sets: 100 questions each by three more independent writers from
#: the map alone (s63: money told in numbers -- income, rent, a debt total, a bill, a
#: child's allowance, a letter with a figure or a deadline; s64: newcomers to the city and
#: the country -- a status holder, family reunification, an EU worker, a student or expat,
#: someone returned, someone undocumented, and those who help them; s65: later life --
#: retiring, alone, memory, the home, going digital, family, the end of life), frozen at
#: the start of session 23, before any router change of the session was merged; and s66,
#: the session's safety gate (70 dangers, 30 near misses: told in the past tense, told by a
#: child or a teenager, a professional's note in admin jargon, a long rambling message).
#: Aggregates only.
SESSION23_HELDOUT = {"heldout63": "frozen-2026-12-21-s63.jsonl",
                     "heldout64": "frozen-2026-12-21-s64.jsonl",
                     "heldout65": "frozen-2026-12-21-s65.jsonl"}
#: The safety gate of session 23 (not a goal set: dangers and near misses only).
SESSION23_GATE = {"heldout66": "frozen-2026-12-21-s66.jsonl"}
#: The pooled current held-out sets.
POOL = "heldout_s23"
#: (History: s12-s14 are retired.) Main at the start of session 8 (456bbb5), measured in
#: the same run as the session's final measurement (top-1, top-3, safety in top 3,
#: coverage, right when confident).
#: Measured 2026-12-05 22:17 UTC (main then at 89354cc, mid-session; the start router
#: is fixed, so the figure does not depend on when it is taken).
SESSION8_START: dict[str, tuple[str, ...]] = {
    "heldout12": ("0.830", "0.970", "30/31", "54/100 (54.0 %)", "51/54 (94.4 %)"),
    "heldout13": ("0.900", "0.960", "30/31", "53/100 (53.0 %)", "51/53 (96.2 %)"),
    "heldout14": ("0.770", "0.960", "26/30", "68/100 (68.0 %)", "60/68 (88.2 %)"),
}
#: Main at the start of session 9 (5a554ca), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: Measured 2026-12-06 02:02 UTC, just before main at 4666659.
SESSION9_START: dict[str, tuple[str, ...]] = {
    "heldout15": ("0.870", "0.990", "29/30", "68/100 (68.0 %)", "63/68 (92.6 %)"),
    "heldout16": ("0.970", "1.000", "33/33", "66/100 (66.0 %)", "65/66 (98.5 %)"),
    "heldout17": ("0.760", "0.980", "40/42", "74/100 (74.0 %)", "55/74 (74.3 %)"),
}
#: Main at the start of session 10 (f5ef208), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: Measured 2026-12-06 05:14 UTC, beside main at b1899ca.
SESSION10_START: dict[str, tuple[str, ...]] = {
    "heldout18": ("0.840", "0.980", "37/37", "62/100 (62.0 %)", "57/62 (91.9 %)"),
    "heldout19": ("0.850", "0.950", "31/35", "72/100 (72.0 %)", "65/72 (90.3 %)"),
    "heldout20": ("0.860", "0.980", "40/44", "67/100 (67.0 %)", "62/67 (92.5 %)"),
}
#: Main at the start of session 11 (b81b65e), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: Measured 2026-12-06 09:07 UTC, beside main at fb25aa3.
SESSION11_START: dict[str, tuple[str, ...]] = {
    "heldout21": ("0.790", "0.940", "31/35", "45/100 (45.0 %)", "45/45 (100.0 %)"),
    "heldout22": ("0.790", "0.960", "26/31", "40/100 (40.0 %)", "39/40 (97.5 %)"),
    "heldout23": ("0.810", "0.970", "41/46", "56/100 (56.0 %)", "55/56 (98.2 %)"),
    "heldout_s11": ("0.797", "0.957", "98/112", "141/300 (47.0 %)", "139/141 (98.6 %)"),
}
#: Main at the start of session 12 (ed50539), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: Measured 2026-12-06 12:07 UTC, beside main at aaa9fb0.
SESSION12_START: dict[str, tuple[str, ...]] = {
    "heldout24": ("0.830", "0.980", "32/36", "50/100 (50.0 %)", "49/50 (98.0 %)"),
    "heldout25": ("0.770", "0.940", "29/35", "52/100 (52.0 %)", "46/52 (88.5 %)"),
    "heldout26": ("0.830", "0.970", "31/35", "57/100 (57.0 %)", "57/57 (100.0 %)"),
    "heldout_s12": ("0.810", "0.963", "92/106", "159/300 (53.0 %)", "152/159 (95.6 %)"),
}
#: Main at the start of session 13 (fdc06db), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: Measured 2026-12-06 14:49 UTC (the start router is fixed: the figure does not depend on
#: when it is taken), beside main's at 1b0110e (15:23 UTC).
SESSION13_START: dict[str, tuple[str, ...]] = {
    "heldout27": ("0.820", "0.950", "34/35", "60/100 (60.0 %)", "55/60 (91.7 %)"),
    "heldout28": ("0.810", "0.970", "32/35", "67/100 (67.0 %)", "63/67 (94.0 %)"),
    "heldout29": ("0.820", "0.970", "31/36", "58/100 (58.0 %)", "55/58 (94.8 %)"),
    "heldout_s13": ("0.817", "0.963", "97/106", "185/300 (61.7 %)", "173/185 (93.5 %)"),
}
#: Main at the start of session 14 (a14c2ec), measured at the session's start (16:40 UTC,
#: 2026-12-06, after the sets were frozen) and again before its end with the benchmark day
#: (identical): top-1, top-3, safety in top 3, coverage, right when confident. Two s31
#: questions are refused by the language check (counted as misses).
SESSION14_START: dict[str, tuple[str, ...]] = {
    "heldout30": ("0.830", "0.970", "33/36", "59/100 (59.0 %)", "58/59 (98.3 %)"),
    "heldout31": ("0.860", "0.970", "34/36", "49/100 (49.0 %)", "47/49 (95.9 %)"),
    "heldout32": ("0.830", "0.990", "32/36", "45/100 (45.0 %)", "43/45 (95.6 %)"),
    "heldout_s14": ("0.840", "0.977", "99/108", "153/300 (51.0 %)", "148/153 (96.7 %)"),
}
#: Main at the start of session 15 (cfb2e22; measured at 7116c3e, the same router with
#: the frozen sets added), measured at the end of the session (22:02 UTC, 2026-12-06,
#: measure.py, the benchmark day): top-1, top-3, safety in top 3, coverage, right when
#: confident.
SESSION15_START: dict[str, tuple[str, ...]] = {
    "heldout33": ("0.850", "0.990", "34/36", "61/100 (61.0 %)", "60/61 (98.4 %)"),
    "heldout34": ("0.870", "0.990", "33/36", "60/100 (60.0 %)", "59/60 (98.3 %)"),
    "heldout35": ("0.810", "0.970", "33/34", "63/100 (63.0 %)", "60/63 (95.2 %)"),
    "heldout_s15": ("0.843", "0.983", "100/106", "184/300 (61.3 %)", "179/184 (97.3 %)"),
}
#: Main at the start of session 16 (5269db6; measured at d0b8d01, the same router with the
#: frozen sets added), measured at the end of the session (01:29 UTC, 2026-12-07,
#: measure.py, the benchmark day): top-1, top-3, safety in top 3, coverage, right when
#: confident.
SESSION16_START: dict[str, tuple[str, ...]] = {
    "heldout36": ("0.880", "0.970", "33/35", "78/100 (78.0 %)", "74/78 (94.9 %)"),
    "heldout37": ("0.870", "0.990", "35/35", "67/100 (67.0 %)", "65/67 (97.0 %)"),
    "heldout38": ("0.810", "0.970", "35/36", "53/100 (53.0 %)", "50/53 (94.3 %)"),
    "heldout_s16": ("0.853", "0.977", "103/106", "198/300 (66.0 %)", "189/198 (95.5 %)"),
}
#: Main at the start of session 17 (fcf3f08, before s36-s38 were retired), measured at the
#: end of the session (04:30 UTC, 2026-12-07, bench/measure.py, the benchmark day): top-1,
#: top-3, safety in top 3, coverage, right when confident.
SESSION17_START: dict[str, tuple[str, ...]] = {
    "heldout39": ("0.860", "1.000", "35/36", "67/100 (67.0 %)", "64/67 (95.5 %)"),
    "heldout40": ("0.860", "0.990", "33/36", "66/100 (66.0 %)", "64/66 (97.0 %)"),
    "heldout41": ("0.800", "0.990", "36/36", "73/100 (73.0 %)", "65/73 (89.0 %)"),
    "heldout_s17": ("0.840", "0.993", "104/108", "206/300 (68.7 %)", "193/206 (93.7 %)"),
}
#: Main at the start of session 18 (797e54c, before s39-s42 were retired), measured at the
#: end of the session (08:09 UTC, 2026-12-07, bench/measure.py, the benchmark day): top-1,
#: top-3, safety in top 3, coverage, right when confident.
SESSION18_START: dict[str, tuple[str, ...]] = {
    "heldout43": ("0.870", "0.980", "34/36", "63/100 (63.0 %)", "59/63 (93.7 %)"),
    "heldout44": ("0.760", "0.950", "35/36", "63/100 (63.0 %)", "53/63 (84.1 %)"),
    "heldout45": ("0.870", "0.990", "36/36", "78/100 (78.0 %)", "72/78 (92.3 %)"),
    "heldout_s18": ("0.833", "0.973", "105/108", "204/300 (68.0 %)", "184/204 (90.2 %)"),
    "heldout46": ("0.780", "0.970", "66/70", "70/100 (70.0 %)", "62/70 (88.6 %)"),
}
#: Main at the start of session 19 (fe8822e, before s43-s46 were retired), measured at the
#: end of the session (11:34 UTC, 2026-12-07, bench/measure.py, the benchmark day, in one
#: run with the end): top-1, top-3, safety in top 3, coverage, right when confident.
SESSION19_START: dict[str, tuple[str, ...]] = {
    "heldout47": ("0.950", "0.990", "35/35", "85/100 (85.0 %)", "82/85 (96.5 %)"),
    "heldout48": ("0.850", "0.980", "34/36", "71/100 (71.0 %)", "68/71 (95.8 %)"),
    "heldout49": ("0.910", "0.990", "36/36", "82/100 (82.0 %)", "76/82 (92.7 %)"),
    "heldout_s19": ("0.903", "0.987", "105/107", "238/300 (79.3 %)", "226/238 (95.0 %)"),
    "heldout50": ("0.780", "0.980", "67/70", "53/100 (53.0 %)", "46/53 (86.8 %)"),
}
#: Main at the start of session 20 (30cae09, before s47-s50 were retired), measured at the
#: end of the session (14:46 UTC, 2026-12-07, bench/measure.py, the benchmark day, in one
#: run with the end): top-1, top-3, safety in top 3, coverage, right when confident.
SESSION20_START: dict[str, tuple[str, ...]] = {
    "heldout51": ("0.840", "0.970", "34/36", "73/100 (73.0 %)", "68/73 (93.2 %)"),
    "heldout52": ("0.900", "0.980", "36/36", "67/100 (67.0 %)", "65/67 (97.0 %)"),
    "heldout53": ("0.880", "0.980", "34/36", "66/100 (66.0 %)", "62/66 (93.9 %)"),
    "heldout_s20": ("0.873", "0.977", "104/108", "206/300 (68.7 %)", "195/206 (94.7 %)"),
    "heldout54": ("0.820", "0.960", "64/70", "56/100 (56.0 %)", "52/56 (92.9 %)"),
}
#: Main at the start of session 21 (bea1750, before s51-s54 were retired), measured at the
#: end of the session (bench/measure.py, the benchmark day, in one run with the end):
#: top-1, top-3, safety in top 3, coverage, right when confident. Measured at 18:26-18:30
#: UTC on 2026-12-07, in one run with f791e77 (retired) and the end (5749efa).
SESSION21_START: dict[str, tuple[str, ...]] = {
    "heldout55": ("0.860", "0.950", "34/35", "55/100 (55.0 %)", "51/55 (92.7 %)"),
    "heldout56": ("0.850", "0.990", "36/36", "62/100 (62.0 %)", "59/62 (95.2 %)"),
    "heldout57": ("0.890", "0.980", "36/36", "80/100 (80.0 %)", "76/80 (95.0 %)"),
    "heldout_s21": ("0.867", "0.973", "106/107", "197/300 (65.7 %)", "186/197 (94.4 %)"),
    "heldout58": ("0.850", "0.980", "69/70", "66/100 (66.0 %)", "61/66 (92.4 %)"),
}
#: Main at the start of session 22 (3530018, before s55-s58 were retired), measured at the
#: end of the session (bench/measure.py, the benchmark day, in one run with the end):
#: top-1, top-3, safety in top 3, coverage, right when confident. Measured at 21:21-21:22
#: UTC on 2026-12-07, beside 07e3ade (retired) and the end.
SESSION22_START: dict[str, tuple[str, ...]] = {
    "heldout59": ("0.830", "0.980", "36/36", "70/100 (70.0 %)", "65/70 (92.9 %)"),
    "heldout60": ("0.820", "0.980", "36/36", "72/100 (72.0 %)", "69/72 (95.8 %)"),
    "heldout61": ("0.850", "0.950", "31/36", "64/100 (64.0 %)", "62/64 (96.9 %)"),
    "heldout_s22": ("0.833", "0.970", "103/108", "206/300 (68.7 %)", "196/206 (95.1 %)"),
    "heldout62": ("0.860", "0.980", "67/70", "67/100 (67.0 %)", "62/67 (92.5 %)"),
}
#: Main at the start of session 23 (69f69a6, before s59-s62 were retired), measured at the
#: end of the session (bench/measure.py, the benchmark day, in one run with the end):
#: top-1, top-3, safety in top 3, coverage, right when confident. Measured at 01:01 UTC
#: on 2026-12-08, beside d98e51f (retired) and the end.
SESSION23_START: dict[str, tuple[str, ...]] = {
    "heldout63": ("0.880", "0.990", "35/35", "74/100 (74.0 %)", "72/74 (97.3 %)"),
    "heldout64": ("0.790", "0.990", "35/36", "63/100 (63.0 %)", "60/63 (95.2 %)"),
    "heldout65": ("0.790", "0.960", "36/36", "64/100 (64.0 %)", "58/64 (90.6 %)"),
    "heldout_s23": ("0.820", "0.980", "106/107", "201/300 (67.0 %)", "190/201 (94.5 %)"),
    "heldout66": ("0.840", "0.960", "68/70", "58/100 (58.0 %)", "53/58 (91.4 %)"),
}
#: Main at the start of session 6 (705c461), measured in the same run as the session's
#: final measurement (top-1, top-3, safety in top 3, coverage, right when confident).
#: s5-s7 at 21:25 UTC (main then at 2ccae87, two batches of examples); s7 was measured
#: again at the end (21:52, three batches), s8 only then.
#: Measured 2026-12-04 21:25 UTC (main at 705c461 and at 2ccae87 in one run).
SESSION6_START: dict[str, tuple[str, ...]] = {
    "heldout5": ("0.483", "0.767", "31/33", "36/120 (30.0 %)", "32/36 (88.9 %)"),
    "heldout6": ("0.400", "0.680", "20/27", "21/100 (21.0 %)", "17/21 (81.0 %)"),
    "heldout7": ("0.540", "0.770", "22/28", "22/100 (22.0 %)", "21/22 (95.5 %)"),
    # s8: measured 21:52 UTC beside main at a6737df
    "heldout8": ("0.500", "0.740", "22/28", "26/100 (26.0 %)", "20/26 (76.9 %)"),
}
HELDOUT4_FIRST = ("0.500", "0.758", "15/24", "35/120 (29.2 %)", "31/35 (88.6 %)")
#: The held-out set's one baseline measurement, before any session-3 change (the
#: router of main at eda9d1c, measured 2026-12-03 13:22 UTC, load 2.7): top-1, top-3,
#: safety in top 3, coverage, right when confident.
HELDOUT_BEFORE: tuple[str, str, str, str, str] | None = (
    "0.710", "0.910", "15/20", "54/100 (54.0 %)", "52/54 (96.3 %)")
#: The frozen set's first measurement, before any issue-8 work (tests/data/socialmap/
#: FROZEN.md): top-1, top-3, confident, right when confident, safety in top 3.
FROZEN_BEFORE = (0.512, 0.774, "65/84", "38/65 (58 %)", "6/18")
#: Sets measured before and shipped as examples since session 7 (bench/asked_examples.py):
#: each is measured by a router without its own file.
RETIRED = (
    ("heldout", "s3 (held out in session 3; examples since session 7, its own left out)"),
    ("heldout4", "s4 (held out in session 4; examples since session 7, its own left out)"),
    ("heldout5", "s5 (held out in session 5; examples since session 7, its own left out)"),
    ("heldout6", "s6 (held out in session 6; examples since session 7, its own left out)"),
    ("heldout7", "s7 (held out in session 6; examples since session 7, its own left out)"),
    ("heldout8", "s8 (held out in session 6; examples since session 7, its own left out)"),
    ("heldout9", "s9 (held out in session 7; examples since session 8, its own left out)"),
    ("heldout10", "s10 (held out in session 7; examples since session 8, its own left out)"),
    ("heldout11", "s11 (held out in session 7; examples since session 8, its own left out)"),
    ("heldout12", "s12 (held out in session 8; examples since session 9, its own left out)"),
    ("heldout13", "s13 (held out in session 8; examples since session 9, its own left out)"),
    ("heldout14", "s14 (held out in session 8; examples since session 9, its own left out)"),
    ("heldout15", "s15 (held out in session 9; examples since session 10, its own left out)"),
    ("heldout16", "s16 (held out in session 9; examples since session 10, its own left out)"),
    ("heldout17", "s17 (held out in session 9; examples since session 10, its own left out)"),
    ("heldout18", "s18 (held out in session 10; examples since session 11, its own left out)"),
    ("heldout19", "s19 (held out in session 10; examples since session 11, its own left out)"),
    ("heldout20", "s20 (held out in session 10; examples since session 11, its own left out)"),
    ("heldout21", "s21 (held out in session 11; examples since session 12, its own left out)"),
    ("heldout22", "s22 (held out in session 11; examples since session 12, its own left out)"),
    ("heldout23", "s23 (held out in session 11; examples since session 12, its own left out)"),
    ("heldout24", "s24 (held out in session 12; examples since session 13, its own left out)"),
    ("heldout25", "s25 (held out in session 12; examples since session 13, its own left out)"),
    ("heldout26", "s26 (held out in session 12; examples since session 13, its own left out)"),
    ("heldout27", "s27 (held out in session 13; examples since session 14, its own left out)"),
    ("heldout28", "s28 (held out in session 13; examples since session 14, its own left out)"),
    ("heldout29", "s29 (held out in session 13; examples since session 14, its own left out)"),
    ("heldout30", "s30 (held out in session 14; examples since session 15, its own left out)"),
    ("heldout31", "s31 (held out in session 14; examples since session 15, its own left out)"),
    ("heldout32", "s32 (held out in session 14; examples since session 15, its own left out)"),
    ("heldout33", "s33 (held out in session 15; examples since session 16, its own left out)"),
    ("heldout34", "s34 (held out in session 15; examples since session 16, its own left out)"),
    ("heldout35", "s35 (held out in session 15; examples since session 16, its own left out)"),
    ("heldout36", "s36 (held out in session 16; examples since session 17, its own left out)"),
    ("heldout37", "s37 (held out in session 16; examples since session 17, its own left out)"),
    ("heldout38", "s38 (held out in session 16; examples since session 17, its own left out)"),
    ("heldout39", "s39 (held out in session 17; examples since session 18, its own left out)"),
    ("heldout40", "s40 (held out in session 17; examples since session 18, its own left out)"),
    ("heldout41", "s41 (held out in session 17; examples since session 18, its own left out)"),
    ("heldout42", "s42 (the safety gate of session 17; examples since session 18, its own "
     "left out)"),
    ("heldout43", "s43 (held out in session 18; examples since session 19, its own left out)"),
    ("heldout44", "s44 (held out in session 18; examples since session 19, its own left out)"),
    ("heldout45", "s45 (held out in session 18; examples since session 19, its own left out)"),
    ("heldout46", "s46 (the safety gate of session 18; examples since session 19, its own "
     "left out)"),
    ("heldout47", "s47 (held out in session 19; examples since session 20, its own left out)"),
    ("heldout48", "s48 (held out in session 19; examples since session 20, its own left out)"),
    ("heldout49", "s49 (held out in session 19; examples since session 20, its own left out)"),
    ("heldout50", "s50 (the safety gate of session 19; examples since session 20, its own "
     "left out)"),
    ("heldout51", "s51 (held out in session 20; examples since session 21, its own left out)"),
    ("heldout52", "s52 (held out in session 20; examples since session 21, its own left out)"),
    ("heldout53", "s53 (held out in session 20; examples since session 21, its own left out)"),
    ("heldout54", "s54 (the safety gate of session 20; examples since session 21, its own "
     "left out)"),
    ("heldout55", "s55 (held out in session 21; examples since session 22, its own left out)"),
    ("heldout56", "s56 (held out in session 21; examples since session 22, its own left out)"),
    ("heldout57", "s57 (held out in session 21; examples since session 22, its own left out)"),
    ("heldout58", "s58 (the safety gate of session 21; examples since session 22, its own "
     "left out)"),
    ("heldout59", "s59 (held out in session 22; examples since session 23, its own left out)"),
    ("heldout60", "s60 (held out in session 22; examples since session 23, its own left out)"),
    ("heldout61", "s61 (held out in session 22; examples since session 23, its own left out)"),
    ("heldout62", "s62 (the safety gate of session 22; examples since session 23, its own "
     "left out)"),
)
#: The held-out sets of now (never looked at), and the three pooled.
CURRENT = (
    ("heldout63", "held out s63, session 23 (never looked at)"),
    ("heldout64", "held out s64, session 23 (never looked at)"),
    ("heldout65", "held out s65, session 23 (never looked at)"),
    (POOL, "held out s63–s65 pooled"),
    ("heldout66", "the safety gate s66, session 23 (never looked at)"),
)
#: Rows of the reliability table (calibrated confidence, per mille). The last row starts
#: at the shipped threshold, so it holds the answers the router calls confident (until
#: session 11 its edge was a fixed 909, session 5's threshold, while the router shipped
#: 947: the row mixed confident answers with ones that were not).
_EDGES = sorted({0, 500, 700, 850, CONFIDENT_AT, 1001})
BUCKETS = tuple(itertools.pairwise(_EDGES))

_CLI = "from busbaan.cli import main; main()"

Ranker = Callable[[dict[str, Any]], list[str]]


def data_file(name: str) -> Path:
    """A file from ../shared/socialmap when present, else the copy in tests/data."""
    shared = SHARED / name
    return shared if shared.exists() else LOCAL / name


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Questions of a set, with the optional fields filled in (``context``,
    ``acceptable``, ``id``; ``expected`` always a list)."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for n, q in enumerate(rows, start=1):
        q.setdefault("id", f"{path.stem}-{n}")
        q["context"] = q.get("context") or {}
        # the s4 tuning set names the family in a tag ("safety:partner_violence")
        family = next((t.split(":", 1)[1] for t in q.get("tags", [])
                       if isinstance(t, str) and t.startswith("safety:")), None)
        if q.get("safety") is None and family:
            q["safety"] = family
        for key in ("expected", "acceptable"):
            value = q.get(key) or []
            q[key] = [value] if isinstance(value, str) else list(value)
    return rows


def routers(social_map: SocialMap) -> Callable[[str], Router]:
    """The router to measure set ``key`` with: the shipped one, or, for a set whose
    questions are shipped as examples (:mod:`bench.asked_examples`), one built without
    that set's file, so that no set is scored by a router that has seen it."""
    from bench.asked_examples import ASKED, file_name
    from busbaan.routing.expansion import default_files, load_examples

    cache: dict[str, Router] = {}

    def router_for(key: str) -> Router:
        name = file_name(key) if key in ASKED else ""
        if name not in cache:
            files = [f for f in default_files() if f.name != name]
            cache[name] = Router(social_map, examples=load_examples(files))
        return cache[name]

    return router_for


def without_asked(social_map: SocialMap, **changes: Any) -> Router:
    """A router without any set's questions as examples (only the written example
    files): for the tables over the tuning sets (ablation, examples curve)."""
    from busbaan.routing.expansion import default_files, load_examples

    files = [f for f in default_files() if not f.name.startswith("asked-")]
    return Router(social_map, examples=load_examples(files),
                  tuning=dataclasses.replace(Tuning(), **changes))


def score(questions: Sequence[dict[str, Any]], rank: Ranker) -> tuple[float, float]:
    """Top-1 (expected) and top-3 (expected or acceptable) accuracy."""
    top1 = top3 = 0
    for q in questions:
        found = rank(q)
        top1 += bool(found) and found[0] in q["expected"]
        top3 += any(s in q["expected"] + q["acceptable"] for s in found[:3])
    return top1 / len(questions), top3 / len(questions)


def busbaan_ranker(router: Router, today: dt.date = BENCH_DAY) -> Ranker:
    """The router through ``route batch``'s line handler, reading each question on
    ``today`` (as ``route batch --today`` does)."""
    def rank(q: dict[str, Any]) -> list[str]:
        line = json.dumps({"id": q["id"], "question": q["question"], "context": q["context"]})
        answer = batch_line(router, line, today=today)
        if "field" in answer:  # a field route batch does not read: a broken set, not a miss
            raise ValueError(f"{q['id']}: {answer['error']}")
        return [r["service_id"] for r in answer.get("results", [])]

    return rank


def bm25_ranker(map_path: Path) -> Ranker:
    """Plain BM25 (bm25s): lowercase, word tokens, no stemming, no context."""
    import bm25s

    raw = json.loads(map_path.read_text(encoding="utf-8"))
    services = raw["services"]
    fields = ("name", "alternate_name", "description", "eligibility_description")

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    corpus = [tokens(" ".join(str(s.get(f) or "") for f in fields)) for s in services]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def rank(q: dict[str, Any]) -> list[str]:
        query = tokens(q["question"])
        if not query:
            return []
        docs, _ = retriever.retrieve([query], k=10, show_progress=False)
        return [services[int(i)]["id"] for i in docs[0]]

    return rank


#: Variants for the ablation table: what each part of the router brings.
ABLATIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("full router", {}),
    ("without the example questions (document expansion, session 6)", {"example_weight": 0.0}),
    ("without the character n-gram channel", {"ngram_weight": 0.0}),
    ("without related words (lexicon)", {"related_weight": 0.0}),
    ("without any lexicon (abbreviations, English, related)", {"lexicon": False}),
    (
        "without area and age priors",
        {"unknown_area_factor": 1.0, "local_area_factor": 1.0, "targeted_age_factor": 1.0},
    ),
    ("without the name bonus", {"title_bonus": 0.0}),
    ("without down-weighting referral sentences", {"referral_weight": 1.0}),
    # switched ON here (off by default): what general word frequency would bring
    ("with everyday-word weighting (wordfreq; off by default)", {"common_floor": 0.45}),
)


def ablation(
    social_map: SocialMap, sets: Sequence[Sequence[dict[str, Any]]],
    today: dt.date = BENCH_DAY,
) -> list[tuple[str, list[tuple[float, float]]]]:
    """Top-1/top-3 per question set for each variant of ``ABLATIONS``."""
    rows = []
    for label, changes in ABLATIONS:
        router = without_asked(social_map, **changes)
        rows.append((label, [score(questions, busbaan_ranker(router, today))
                             for questions in sets]))
    return rows


def examples_curve(
    social_map: SocialMap, sets: Sequence[Sequence[dict[str, Any]]],
    sizes: Sequence[int] = (0, 10, 25, 40, 55), today: dt.date = BENCH_DAY,
) -> list[tuple[int, list[tuple[float, float]]]]:
    """Top-1/top-3 per question set with the first ``n`` example questions of each
    service (over its files in name order: the first batch, then the second)."""
    from busbaan.routing.expansion import Entry, ExampleSet, default_files, load_examples

    shipped = load_examples([f for f in default_files() if not f.name.startswith("asked-")])
    rows = []
    for n in sizes:
        left: dict[str, int] = {}
        cut = []
        for e in shipped.entries:
            budget = left.setdefault(e.key, n)
            cut.append(Entry(e.key, e.examples[:budget], e.source, e.like))
            left[e.key] = max(0, budget - len(e.examples))
        router = Router(social_map, examples=ExampleSet(tuple(cut)))
        rows.append((n, [score(questions, busbaan_ranker(router, today))
                         for questions in sets]))
    return rows


def latency(router: Router, questions: Sequence[dict[str, Any]], passes: int,
            today: dt.date = BENCH_DAY) -> list[float]:
    """Per-question wall time of ``Router.route`` in milliseconds, over several passes."""
    times = []
    for _ in range(passes):
        for q in questions:
            start = time.perf_counter()
            router.route(q["question"], q["context"], today=today)
            times.append((time.perf_counter() - start) * 1000.0)
    return times


def cpu_per_question(router: Router, questions: Sequence[dict[str, Any]],
                     today: dt.date = BENCH_DAY) -> float:
    """Mean CPU time of ``Router.route`` per question (ms): what the router costs
    whatever else runs on the machine."""
    start = time.process_time()
    for q in questions:
        router.route(q["question"], q["context"], today=today)
    return (time.process_time() - start) * 1000.0 / len(questions)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cli_check(map_path: Path, questions: Sequence[dict[str, Any]], router: Router,
              today: dt.date = BENCH_DAY) -> str:
    """Run the real `busbaan route batch --today` once and compare with the in-process
    answers (both read the questions on ``today``)."""
    lines = "".join(
        json.dumps({"id": q["id"], "question": q["question"], "context": q["context"]}) + "\n"
        for q in questions
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CLI, "route", "batch", "--map", str(map_path),
         "--today", today.isoformat()],
        input=lines,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BUSBAAN_LANG": "nl"},
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return f"CLI failed (exit {proc.returncode}): {proc.stderr.strip()[:200]}"
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    same = len(out) == len(questions) and all(
        o["id"] == q["id"]
        and o == batch_line(router, json.dumps({k: q[k] for k in ("id", "question", "context")}),
                            today=today)
        for o, q in zip(out, questions, strict=False)
    )
    verdict = "identical to in-process" if same else "DIFFERENT from in-process"
    return f"{len(out)} lines in {seconds:.1f} s (incl. start-up and index build), {verdict}"


def fit_logistic(x: Any, y: Any, l2: float = 0.1, steps: int = 50) -> Any:
    """Logistic regression by Newton's method with a small L2 penalty (not on the
    intercept); returns the weights, intercept first."""
    import numpy as np

    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    penalty = np.eye(xb.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty @ w
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hess, grad)
    return w


#: One-sided 90 % Wilson bound (z for 0.90) and the precision it must reach: the
#: threshold is the lowest at which, on answers the model was NOT fitted on (leave one
#: tuning set out), the lower bound of "right when confident" is at least 0.90.
WILSON_Z = 1.2816
RIGHT_GOAL = 0.90
#: With fewer confident answers than this a bound says nothing.
MIN_CONFIDENT = 20


def wilson_lower(right: int, n: int, z: float = WILSON_Z) -> float:
    """The one-sided Wilson score lower bound of a share ``right``/``n``."""
    if n == 0:
        return 0.0
    p = right / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def calibration_sets() -> list[tuple[str, list[dict[str, Any]]]]:
    """The tuning sets by name, for cross-validation (never a held-out set)."""
    return [
        ("dev", read_jsonl(data_file("dev-questions.jsonl"))),
        ("own", read_jsonl(LOCAL / "heldout-own.jsonl")),
        ("fresh", read_jsonl(LOCAL / "heldout-own-fresh.jsonl")),
        ("frozen", read_jsonl(LOCAL / FROZEN)),
        ("tuning4", read_jsonl(LOCAL / TUNING4)),
        ("probes4", read_jsonl(LOCAL / PROBES)),
        ("probes5", read_jsonl(LOCAL / PROBES5)),
        ("near3", read_jsonl(LOCAL / "safety-near-misses.jsonl")),
        ("near4", read_jsonl(LOCAL / NEAR4)),
        ("near5", read_jsonl(LOCAL / NEAR5)),
        # retired held-out sets (session 7): scored without their own example file
        ("heldout", read_jsonl(LOCAL / HELDOUT)),
        ("heldout4", read_jsonl(LOCAL / HELDOUT4)),
        ("heldout5", read_jsonl(LOCAL / HELDOUT5)),
        ("heldout6", read_jsonl(LOCAL / HELDOUT6)),
        ("heldout7", read_jsonl(LOCAL / HELDOUT7)),
        ("heldout8", read_jsonl(LOCAL / HELDOUT8)),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION7_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION8_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION9_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION10_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION11_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION12_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION13_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION14_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION15_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION16_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION17_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION18_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION19_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION20_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION21_HELDOUT.items()),
        *((key, read_jsonl(LOCAL / name)) for key, name in SESSION22_HELDOUT.items()),
    ]


#: A set with at least this many confident out-of-fold answers is certified on its own
#: too (its Wilson lower bound, at PER_SET_Z, reaches RIGHT_GOAL), not only as part of
#: the pool.
MIN_CERTIFY_PER_SET = 30
#: The per-set bound is one-sided 80 % (z for 0.80), the pooled one 90 % (session 14,
#: bench14). The goal is the pool's (right 9 times in 10 when confident); the per-set
#: check is there to catch one kind of asker clearly below it. At 90 % for each of ~27
#: sets of 30-70 confident answers it asked each set to show about 96-97 % right: a set
#: right 30 times in 31 (96.8 %) blocked a threshold (s27 at 940). Out of fold on the
#: retired sets (the threshold chosen without the set it is read on), the 80 % bound
#: takes coverage from 63.2 % to 70.7 % at 98.2 % -> 97.9 % right, every set still
#: right >= 90 % (worst 91.8 %); leaving the session out, 65.8 % -> 66.1 %, worst 90.2 %
#: both (docs/notes/2026-12-12s14-bench14.md). WILSON_Z here restores the old rule.
PER_SET_Z = 0.8416
#: A set with at least this many confident out-of-fold answers must itself be right
#: RIGHT_GOAL of the time at the fallback threshold.
MIN_PER_SET = 10


def _threshold(prob: Any, right: Any, sets: Any) -> tuple[float, float, bool]:
    """(threshold, pooled Wilson lower bound there, certified). Certified: the lowest
    threshold whose pooled confident answers' lower bound reaches RIGHT_GOAL (with at
    least MIN_CONFIDENT answers), and so does each set's own with at least
    MIN_CERTIFY_PER_SET confident answers, at PER_SET_Z (session 6: a pool can be
    certified by its easy sets while the everyday-words set, the one most like what
    people type, falls short). When none does, the lowest at which every tuning set
    with at least MIN_PER_SET confident answers is right RIGHT_GOAL of the time, and
    the pool too (a point estimate: not certified, and reported as such)."""
    import numpy as np

    right = np.asarray(right)
    certified: tuple[float, float, bool] | None = None
    fallback: tuple[float, float, bool] | None = None
    for t in sorted({round(float(v), 3) for v in prob}, reverse=True):
        taken = prob >= t
        n = int(taken.sum())
        if n < MIN_CONFIDENT:
            continue
        bound = wilson_lower(int(right[taken].sum()), n)
        own_bounds = [
            wilson_lower(int(right[taken & (sets == name)].sum()),
                         int((taken & (sets == name)).sum()), PER_SET_Z)
            for name in set(sets.tolist())
            if (taken & (sets == name)).sum() >= MIN_CERTIFY_PER_SET]
        if bound >= RIGHT_GOAL and min(own_bounds, default=1.0) >= RIGHT_GOAL:
            certified = (t, bound, True)
        shares = [right[taken & (sets == name)].mean() for name in set(sets.tolist())
                  if (taken & (sets == name)).sum() >= MIN_PER_SET]
        if right[taken].mean() >= RIGHT_GOAL and min(shares, default=1.0) >= RIGHT_GOAL:
            fallback = (t, bound, False)
    return certified or fallback or (1.0, 0.0, False)


def calibration_answers(router_for: Callable[[str], Router],
                        sets: Sequence[tuple[str, Sequence[dict[str, Any]]]],
                        today: dt.date = BENCH_DAY) -> dict[str, Any]:
    """Per answer of the tuning sets (each read on ``today``, by ``router_for(name)``):
    its set, its calibration features, right at top 1, a safety answer, confident. A
    near miss (no right answer) and a refused question (no answer) are left out."""
    import numpy as np

    names, rows, labels, safe, sure = [], [], [], [], []
    for name, questions in sets:
        router = router_for(name)
        for q in questions:
            if not q["expected"]:
                continue  # a near miss kept only to count false alarms: no right answer
            try:
                answer, features = router._route(q["question"], q["context"], 10, "nl", None,
                                                 None, today)
            except BusbaanError:
                continue  # refused (a language it does not read): no answer to be sure of
            right = bool(answer.results) and answer.results[0].service_id in q["expected"]
            names.append(name)
            rows.append(features)
            labels.append(float(right))
            safe.append(bool(answer.safety))
            sure.append(answer.confident)
    return {"set": np.array(names), "x": np.array(rows), "right": np.array(labels),
            "safety": np.array(safe, dtype=bool), "confident": np.array(sure, dtype=bool)}


def out_of_fold(answers: dict[str, Any], names: Sequence[str]) -> Any:
    """Each plain answer's (no safety signal) chance of being right from a model fitted
    on the other sets' plain answers (leave one set out); 0 for a safety answer."""
    import numpy as np

    s, x, y = answers["set"], answers["x"], answers["right"]
    plain = ~answers["safety"]
    oof = np.zeros(len(y))
    for name in names:
        out = (s == name) & plain
        fit = plain & (s != name)
        if out.any():
            w = fit_logistic(x[fit], y[fit])
            oof[out] = 1 / (1 + np.exp(-(w[0] + x[out] @ w[1:])))
    return oof


def calibrate(router_for: Callable[[str], Router],
              sets: Sequence[tuple[str, Sequence[dict[str, Any]]]],
              today: dt.date = BENCH_DAY) -> dict[str, Any]:
    """Fit the confidence on the tuning sets' answers without a safety signal (those
    are confident by their own rule, :attr:`Tuning.safety_confident_share`) and choose
    its threshold by cross-validation: each tuning set is left out once, the model
    fitted on the others, and the threshold read from the pooled out-of-fold chances
    (:func:`_threshold`). Also reports, per set, what that threshold gives out of
    sample: right when confident and coverage, for plain answers and with the safety
    answers (confident by their rule) included. Each set is scored by
    ``router_for(name)``: for a set shipped as examples, a router without them; every
    question is read on ``today``."""
    answers = calibration_answers(router_for, sets, today)
    s, x, y, by_rule = answers["set"], answers["x"], answers["right"], answers["safety"]
    # a safety answer is confident by its own rule (Router._borne_out), fitted on nothing
    sure_by_rule = by_rule & answers["confident"]
    plain = ~by_rule
    oof = out_of_fold(answers, [name for name, _ in sets])
    threshold, bound, certified = _threshold(oof[plain], y[plain], s[plain])
    weights = fit_logistic(x[plain], y[plain])
    per_set = []
    for name, _ in sets:
        here = s == name
        conf_plain = here & plain & (oof >= threshold)
        conf_all = conf_plain | (here & sure_by_rule)
        per_set.append({
            "set": name, "n": int(here.sum()),
            "plain_confident": int(conf_plain.sum()), "plain_right": int(y[conf_plain].sum()),
            "confident": int(conf_all.sum()), "right": int(y[conf_all].sum()),
        })
    taken = plain & (oof >= threshold)
    return {
        "weights": tuple(round(float(v), 3) for v in weights),
        "confident_at": round(threshold * 1000),
        "certified": certified,
        "wilson_lower": round(bound, 3),
        "oof_plain_confident": int(taken.sum()),
        "oof_plain_right": int(y[taken].sum()),
        "n_plain": int(plain.sum()),
        "per_set": per_set,
    }


def replay(
    router: Router,
    stream_from: Sequence[dict[str, Any]],
    paraphrases: Sequence[dict[str, Any]],
    others: Sequence[dict[str, Any]],
    steps: Sequence[int] = (0, 10, 50, 200),
    seed: int = 8,
    today: dt.date = BENCH_DAY,
) -> list[dict[str, Any]]:
    """The learning curve: feedback items replayed from ``stream_from`` (dev questions,
    drawn at random with a fixed seed; a professional says !goed when the first service
    is expected, else !fout <expected>), and after each step top-1 on the paraphrases
    of the questions corrected so far, on all paraphrases, and on ``others`` (a set
    the stream never touches: learning must not break it). As in the bot, feedback on
    an answer with a safety signal is not learned (since session 8; the item still
    counts as given)."""
    import random

    from busbaan.routing.learning import (
        evidence_for,
        feedback_votes,
        learned_from,
        learning_terms,
    )

    rng = random.Random(seed)
    evidence: list[Any] = []
    corrected: set[str] = set()
    rows = []
    done = 0

    def top1(questions: Sequence[dict[str, Any]], learned: Any) -> tuple[float, int]:
        if not questions:
            return float("nan"), 0
        right = 0
        for q in questions:
            found = router.route(q["question"], q["context"], learned=learned,
                                 today=today).results
            right += bool(found) and found[0].service_id in q["expected"]
        return right / len(questions), len(questions)

    for step in steps:
        while done < step:
            q = rng.choice(list(stream_from))
            learned = learned_from(evidence)
            answer = router.route(q["question"], q["context"], learned=learned, today=today)
            answered = tuple(r.service_id for r in answer.results[:3])
            done += 1
            if answer.safety:  # the bot does not learn from a safety answer
                continue
            right = bool(answered) and answered[0] in q["expected"]
            votes = feedback_votes("good" if right else "wrong",
                                   None if right else q["expected"][0], answered)
            if not right:
                corrected.add(q["id"])
            evidence += evidence_for(
                learning_terms(router.analyzer, q["question"], today=today), votes, f"F{done}")
        learned = learned_from(evidence)
        of_corrected = [p for p in paraphrases if p.get("paraphrase_of") in corrected]
        rows.append({
            "items": step,
            "associations": len(learned),
            "corrected": top1(of_corrected, learned),
            "paraphrases": top1(paraphrases, learned)[0],
            "stream": top1(stream_from, learned)[0],
            "others": top1(others, learned)[0],
        })
    return rows


def answer_of(router: Router, q: dict[str, Any], today: dt.date = BENCH_DAY) -> RouteAnswer:
    """The router's answer to ``q``; a question it refuses (a language it does not read,
    personal data) as an answer without services: the asker sees a refusal, which is a
    miss, as ``route batch`` (:func:`busbaan_ranker`) scores it. Session 14: two s31
    questions written as spoken were refused as another language."""
    try:
        return router.route(q["question"], q["context"], today=today)
    except BusbaanError:
        return RouteAnswer(question=q["question"], results=(), confident=False,
                           threshold=router.tuning.confident_at)


def confidence_rows(router: Router, questions: Sequence[dict[str, Any]],
                    today: dt.date = BENCH_DAY) -> list[tuple[int, bool, bool, bool]]:
    """Per question: (confidence per mille, confident, top-1 right, safety answer)."""
    out = []
    for q in questions:
        answer = answer_of(router, q, today)
        right = bool(answer.results) and answer.results[0].service_id in q["expected"]
        out.append((answer.confidence, answer.confident, right, bool(answer.safety)))
    return out


def confidence_summary(rows: Sequence[tuple[int, bool, bool, bool]]) -> dict[str, Any]:
    confident = [r for r in rows if r[1]]
    plain = [r for r in confident if not r[3]]
    return {
        "n": len(rows),
        "confident": len(confident),
        "right": sum(r[2] for r in confident),
        "plain": len(plain),
        "plain_right": sum(r[2] for r in plain),
        "buckets": [
            (lo, hi, [r for r in rows if lo <= r[0] < hi and not r[3]]) for lo, hi in BUCKETS
        ],
    }


def safety_figures(router: Router, questions: Sequence[dict[str, Any]],
                   today: dt.date = BENCH_DAY) -> tuple[int, int, int]:
    """(safety questions, with an expected service in the top 3, with a safety signal)."""
    total = top3 = signalled = 0
    for q in questions:
        if not q.get("safety"):
            continue
        total += 1
        answer = answer_of(router, q, today)
        top3 += any(r.service_id in q["expected"] for r in answer.results[:3])
        signalled += bool(answer.safety)
    return total, top3, signalled


def false_alarms(router: Router, questions: Sequence[dict[str, Any]],
                 today: dt.date = BENCH_DAY) -> tuple[int, int]:
    """(questions, of which the router raised a safety signal that the question's own
    answer key does not support: no label, and its safety service not expected)."""
    alarms = 0
    for q in questions:
        hits = answer_of(router, q, today).safety
        wanted = set(q["expected"]) | set(q.get("acceptable", []))
        alarms += bool(hits) and not q.get("safety") and not any(
            h.service_id in wanted for h in hits)
    return len(questions), alarms


def caution_alarms(router: Router, questions: Sequence[dict[str, Any]],
                   today: dt.date = BENCH_DAY) -> tuple[int, int]:
    """(questions, of which a *weak* safety signal put its service in the top 3 where the
    question's answer key does not support it; the weak tier never takes first place,
    so these are the recall tier's false alarms, counted apart from :func:`false_alarms`)."""
    alarms = 0
    for q in questions:
        answer = answer_of(router, q, today)
        wanted = set(q["expected"]) | set(q.get("acceptable", []))
        top = {r.service_id for r in answer.results[:3]}
        alarms += not q.get("safety") and any(
            h.service_id in top and h.service_id not in wanted for h in answer.caution)
    return len(questions), alarms


def semantic_latency(social_map: SocialMap, questions: Sequence[dict[str, Any]],
                     passes: int, today: dt.date = BENCH_DAY) -> dict[str, Any]:
    """Route with the semantic ranker against a local deterministic embeddings server
    (tests/wegwijzer/embeddings_server.py): added latency and top-1 side by side."""
    sys.path.insert(0, str(ROOT))
    from busbaan.wegwijzer.semantic import EmbeddingsEndpoint, SemanticRanker
    from tests.wegwijzer.embeddings_server import Behaviour, embeddings_server

    router = Router(social_map)
    plain, fused = [], []
    right_plain = right_fused = 0
    with embeddings_server(Behaviour()) as url:
        ranker = SemanticRanker(EmbeddingsEndpoint(url), social_map)
        ranker.prepare()
        for _ in range(passes):
            for q in questions:
                start = time.perf_counter()
                a = router.route(q["question"], q["context"], today=today)
                plain.append((time.perf_counter() - start) * 1000.0)
                start = time.perf_counter()
                sims = ranker.similarities(q["question"], today=today)
                b = router.route(q["question"], q["context"], semantic=sims, today=today)
                fused.append((time.perf_counter() - start) * 1000.0)
                if _ == 0:
                    right_plain += bool(a.results) and a.results[0].service_id in q["expected"]
                    right_fused += bool(b.results) and b.results[0].service_id in q["expected"]
    n = len(questions)
    return {"p50_plain": statistics.median(plain), "p95_plain": percentile(plain, 0.95),
            "p50_fused": statistics.median(fused), "p95_fused": percentile(fused, 0.95),
            "top1_plain": right_plain / n, "top1_fused": right_fused / n}


def machine_note() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load:.1f} at start "
        "(shared machine: other work may run at the same time)"
    )


def render(figures: dict[str, Any]) -> str:
    f = figures
    goal = GOALS
    quick = f["quick"]

    def mark(ok: bool) -> str:
        return "yes" if ok else "**no**"

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "0/0"

    sets = [("dev", "dev (tuning)"), ("frozen", "first frozen (tuning since session 3)"),
            ("tuning4", "tuning set s4 (everyday words, tuning)")]
    for key, label in RETIRED:
        if f.get(key) is not None:
            sets.append((key, label))
    for key, label in CURRENT:
        if f.get(key) is not None:
            sets.append((key, label))
    sets += [("own", "own paraphrases"), ("fresh", "own new questions"),
             ("probes", "own safety probes s4 (tuning)"),
             ("probes5", "own safety probes s5 (tuning)")]
    rows = ["| set | method | top-1 | top-3 |", "|---|---|---|---|"]
    for key, label in sets:
        n = f["n_" + key]
        rows.append(f"| {label} ({n}) | busbaan | {f[key][0]:.3f} | {f[key][1]:.3f} |")
        rows.append(f"| {label} ({n}) | plain BM25 (bm25s) | {f[key + '_bm25'][0]:.3f} | "
                    f"{f[key + '_bm25'][1]:.3f} |")
    side_keys = [k for k, _ in sets[: -4]]
    labels = dict(sets)
    side = ["| set | top-1 | top-3 | safety questions with a safety service in the top 3 | "
            "false alarms (safety answer where none belongs) | coverage (confident) | "
            "right when confident | right when confident, without a safety signal |",
            "|---|---|---|---|---|---|---|---|"]
    for k in side_keys:
        c = f["conf_" + k]
        side.append(
            f"| {labels[k]} | {f[k][0]:.3f} | {f[k][1]:.3f} | "
            f"{f['safety_' + k][1]}/{f['safety_' + k][0]} | "
            f"{pct(f['alarm_' + k][1], f['alarm_' + k][0])} | {pct(c['confident'], c['n'])} | "
            f"{pct(c['right'], c['confident'])} | {pct(c['plain_right'], c['plain'])} |")
    before = ["| held-out set (session 3) | top-1 | top-3 | safety in top 3 | coverage | "
              "right when confident |", "|---|---|---|---|---|---|"]
    if HELDOUT_BEFORE is not None:
        before.append("| baseline, before any session-3 change | " + " | ".join(HELDOUT_BEFORE)
                      + " |")
    def now_row(key: str) -> str:
        c = f["conf_" + key]
        return (f"| now | {f[key][0]:.3f} | {f[key][1]:.3f} | "
                f"{f['safety_' + key][1]}/{f['safety_' + key][0]} | "
                f"{pct(c['confident'], c['n'])} | {pct(c['right'], c['confident'])} |")

    def retired_row(key: str, since: int = 7) -> str:
        return now_row(key).replace(
            "| now |", f"| now, without its own example file (session {since}) |")

    def header(label: str) -> list[str]:
        return ["", f"| {label} | top-1 | top-3 | safety in top 3 | coverage | right when "
                "confident |", "|---|---|---|---|---|---|"]

    if f["heldout"] is not None:
        before.append(retired_row("heldout"))
    if f.get("heldout4") is not None:
        before += [*header("held-out set (session 4)"),
                   "| first measurement, before the weak safety tier | "
                   + " | ".join(HELDOUT4_FIRST) + " |", retired_row("heldout4")]
    if f.get("heldout5") is not None:
        before += header("held-out set (session 5)")
        if HELDOUT5_BEFORE is not None:
            before.append("| main before session 5 (3ccc6a0), same run as the first "
                          "measurement | " + " | ".join(HELDOUT5_BEFORE) + " |")
        if "heldout5" in SESSION6_START:
            before.append("| main at the start of session 6 (705c461), same run as the "
                          "last measurement | " + " | ".join(SESSION6_START["heldout5"]) + " |")
        before.append(retired_row("heldout5"))
    for key, number in (("heldout6", 6), ("heldout7", 7), ("heldout8", 8)):
        if f.get(key) is not None:
            before += header(f"held-out set s{number} (session 6)")
            if key in SESSION6_START:
                before.append("| main at the start of session 6 (705c461), same run | "
                              + " | ".join(SESSION6_START[key]) + " |")
            before.append(retired_row(key))
    for key in SESSION7_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 7)")
            before.append("| main at the start of session 7 (6dbd145), measured just before | "
                          + " | ".join(SESSION7_START[key]) + " |")
            before.append("| end of session 7 (3ee6a40; again at 9a16960, identical) | "
                          + " | ".join(SESSION7_FIRST[key]) + " |")
            before.append(retired_row(key, since=8))
    for key in SESSION8_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 8)")
            before.append("| main at the start of session 8 (456bbb5), measured 22:17 UTC | "
                          + " | ".join(SESSION8_START[key]) + " |")
            before.append("| end of session 8 (d82fb7d), its one measurement | "
                          + " | ".join(SESSION8_END[key]) + " |")
            before.append(retired_row(key, since=9))
    for key in SESSION9_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 9)")
            before.append("| main at the start of session 9 (5a554ca), same run as its end | "
                          + " | ".join(SESSION9_START[key]) + " |")
            before.append("| end of session 9 (4666659), its one measurement | "
                          + " | ".join(SESSION9_END[key]) + " |")
            before.append(retired_row(key, since=10))
    for key in SESSION10_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 10)")
            before.append("| main at the start of session 10 (f5ef208), same run as its end | "
                          + " | ".join(SESSION10_START[key]) + " |")
            before.append("| end of session 10 (b1899ca), its one measurement | "
                          + " | ".join(SESSION10_END[key]) + " |")
            before.append(retired_row(key, since=11))
    for key in SESSION11_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 11)")
            before.append("| main at the start of session 11 (b81b65e), same run as its end | "
                          + " | ".join(SESSION11_START[key]) + " |")
            before.append("| end of session 11 (fb25aa3), its one measurement | "
                          + " | ".join(SESSION11_END[key]) + " |")
            before.append(retired_row(key, since=12))
    for key in SESSION12_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 12)")
            before.append("| main at the start of session 12 (ed50539), same run as its end | "
                          + " | ".join(SESSION12_START[key]) + " |")
            before.append("| end of session 12 (aaa9fb0), its one measurement | "
                          + " | ".join(SESSION12_END[key]) + " |")
            before.append(retired_row(key, since=13))
    for key in SESSION13_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 13)")
            before.append("| main at the start of session 13 (fdc06db), same run as its end | "
                          + " | ".join(SESSION13_START[key]) + " |")
            before.append("| end of session 13 (1b0110e), its one measurement | "
                          + " | ".join(SESSION13_END[key]) + " |")
            before.append(retired_row(key, since=14))
    for key in SESSION14_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 14)")
            before.append("| main at the start of session 14 (a14c2ec), same run as its end | "
                          + " | ".join(SESSION14_START[key]) + " |")
            before.append("| end of session 14 (a5a0a3f), its one measurement | "
                          + " | ".join(SESSION14_END[key]) + " |")
            before.append(retired_row(key, since=15))
    for key in SESSION15_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 15)")
            before.append("| main at the start of session 15 (cfb2e22), same run as its end | "
                          + " | ".join(SESSION15_START[key]) + " |")
            before.append("| end of session 15 (7f87a6f), its one measurement | "
                          + " | ".join(SESSION15_END[key]) + " |")
            before.append(retired_row(key, since=16))
    for key in SESSION16_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 16)")
            before.append("| main at the start of session 16 (5269db6), same run as its end | "
                          + " | ".join(SESSION16_START[key]) + " |")
            before.append("| end of session 16 (f19649c), its one measurement | "
                          + " | ".join(SESSION16_END[key]) + " |")
            before.append(retired_row(key, since=17))
    for key in SESSION17_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 17)")
            if key in SESSION17_START:
                before.append("| main at the start of session 17 (fcf3f08), same run as its "
                              "end | " + " | ".join(SESSION17_START[key]) + " |")
            before.append("| end of session 17 (0405364), its one measurement | "
                          + " | ".join(SESSION17_END[key]) + " |")
            before.append(retired_row(key, since=18))
    for key in SESSION18_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 18)")
            if key in SESSION18_START:
                before.append("| main at the start of session 18 (797e54c), same run as its "
                              "end | " + " | ".join(SESSION18_START[key]) + " |")
            before.append("| end of session 18 (19f46c6), its one measurement | "
                          + " | ".join(SESSION18_END[key]) + " |")
            before.append(retired_row(key, since=19))
    for key in SESSION19_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 19)")
            if key in SESSION19_START:
                before.append("| main at the start of session 19 (fe8822e), same run as its "
                              "end | " + " | ".join(SESSION19_START[key]) + " |")
            before.append("| end of session 19 (08e9a0e), its one measurement | "
                          + " | ".join(SESSION19_END[key]) + " |")
            before.append(retired_row(key, since=20))
    for key in SESSION20_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 20)")
            if key in SESSION20_START:
                before.append("| main at the start of session 20 (30cae09), same run as its "
                              "end | " + " | ".join(SESSION20_START[key]) + " |")
            before.append("| end of session 20 (444c77d), its one measurement | "
                          + " | ".join(SESSION20_END[key]) + " |")
            before.append(retired_row(key, since=21))
    for key in SESSION21_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 21)")
            if key in SESSION21_START:
                before.append("| main at the start of session 21 (bea1750), same run as its "
                              "end | " + " | ".join(SESSION21_START[key]) + " |")
            before.append("| end of session 21 (5749efa), its one measurement | "
                          + " | ".join(SESSION21_END[key]) + " |")
            before.append(retired_row(key, since=22))
    for key in SESSION22_HELDOUT:
        if f.get(key) is not None:
            before += header(f"held-out set s{key.removeprefix('heldout')} (session 22)")
            if key in SESSION22_START:
                before.append("| main at the start of session 22 (3530018), same run as its "
                              "end | " + " | ".join(SESSION22_START[key]) + " |")
            before.append("| end of session 22 (95f6f65), its one measurement | "
                          + " | ".join(SESSION22_END[key]) + " |")
            before.append(retired_row(key, since=23))
    for key, label in CURRENT:
        if f.get(key) is not None:
            before += header(label)
            if key in SESSION23_START:
                before.append("| main at the start of session 23 (69f69a6), same run | "
                              + " | ".join(SESSION23_START[key]) + " |")
            before.append(now_row(key))
    b = FROZEN_BEFORE
    first = [
        "| first frozen set | top-1 | top-3 | confident | right when confident | "
        "safety in top 3 |",
        "|---|---|---|---|---|---|",
        f"| before issue 8 (main at 2df4642) | {b[0]:.3f} | {b[1]:.3f} | {b[2]} | {b[3]} | "
        f"{b[4]} |",
        f"| now | {f['frozen'][0]:.3f} | {f['frozen'][1]:.3f} | "
        f"{f['conf_frozen']['confident']}/{f['n_frozen']} | "
        f"{pct(f['conf_frozen']['right'], f['conf_frozen']['confident'])} | "
        f"{f['safety_frozen'][1]}/{f['safety_frozen'][0]} |",
    ]
    rel_keys = [k for k in ("dev", "frozen", "tuning4", "heldout", "heldout4", "heldout5",
                            "heldout6", "heldout7", "heldout8", "heldout9", "heldout10",
                            "heldout11", *SESSION8_HELDOUT, *SESSION9_HELDOUT, *SESSION10_HELDOUT,
                            *SESSION11_HELDOUT, *SESSION12_HELDOUT, *SESSION13_HELDOUT,
                            *SESSION14_HELDOUT, *SESSION15_HELDOUT, *SESSION16_HELDOUT,
                            *SESSION17_HELDOUT, *SESSION18_HELDOUT, *SESSION19_HELDOUT,
                            *SESSION20_HELDOUT, *SESSION21_HELDOUT, *SESSION22_HELDOUT,
                            POOL)
                if f.get(k) is not None]
    rel = ["| confidence (per mille) | " + " | ".join(
        f"{k}: answers, share right" for k in rel_keys) + " |",
        "|---|" + "---|" * len(rel_keys)]
    for i, (lo, hi, _) in enumerate(f["conf_dev"]["buckets"]):
        def cell(rs: list[Any]) -> str:
            return f"{len(rs)}, {sum(r[2] for r in rs) / len(rs):.2f}" if rs else "0, –"
        rel.append(f"| {lo}–{min(hi - 1, 1000)} | " + " | ".join(
            cell(f["conf_" + k]["buckets"][i][2]) for k in rel_keys) + " |")
    ordinary = [k for k in ("dev", "frozen", "tuning4", "heldout", "heldout4", "heldout5",
                            "heldout6", "heldout7", "heldout8", *SESSION7_HELDOUT,
                            *SESSION8_HELDOUT, *SESSION9_HELDOUT, *SESSION10_HELDOUT,
                            *SESSION11_HELDOUT, *SESSION12_HELDOUT, *SESSION13_HELDOUT,
                            *SESSION14_HELDOUT, *SESSION15_HELDOUT, *SESSION16_HELDOUT,
                            *SESSION17_HELDOUT, *SESSION18_HELDOUT, *SESSION19_HELDOUT,
                            *SESSION20_HELDOUT, *SESSION21_HELDOUT, *SESSION22_HELDOUT,
                            *SESSION23_HELDOUT, *SESSION23_GATE, "own",
                            "fresh", "off")
                if f.get("alarm_" + k) is not None]
    n_ordinary = sum(f["alarm_" + k][0] - f.get("safety_" + k, (0, 0, 0))[0] for k in ordinary)
    n_alarms = sum(f["alarm_" + k][1] for k in ordinary)
    alarm_line = (
        f"**False alarms** (a safety answer where none belongs) over all {n_ordinary} "
        f"ordinary questions ({', '.join(ordinary)}; held-out included when present): "
        f"{pct(n_alarms, n_ordinary)}."
    )
    n_caution = sum(f.get("caution_" + k, (0, 0))[1] for k in ordinary)
    alarm_line += (
        f" The weak tier (a safety service added to the top 3, never first) where none "
        f"belongs: {pct(n_caution, n_ordinary)}; on the near misses "
        f"{pct(f['caution_near'][1], f['caution_near'][0])} and "
        f"{pct(f['caution_near4'][1], f['caution_near4'][0])} (session 4)."
    )
    alarm_line += (
        f" On {f['alarm_near'][0]} near misses written to share words with the cues "
        "(`safety-near-misses.jsonl`: 'afsluiten' a contract, 'bang' to fall, a child who "
        f"hits other children, ...): {pct(f['alarm_near'][1], f['alarm_near'][0])}; on "
        f"{f['alarm_near4'][0]} more written in session 4 (`{NEAR4}`): "
        f"{pct(f['alarm_near4'][1], f['alarm_near4'][0])}; of them, the tuning set s4's "
        f"near misses: {pct(f['alarm_tnear'][1], f['alarm_tnear'][0])}; on "
        f"{f['alarm_near5'][0]} written in session 5 (`{NEAR5}`): "
        f"{pct(f['alarm_near5'][1], f['alarm_near5'][0])}, weak tier "
        f"{pct(f['caution_near5'][1], f['caution_near5'][0])}. Safety probes s5 "
        f"(`{PROBES5}`, tuning): {f['safety_probes5'][1]}/{f['safety_probes5'][0]} with "
        "an expected safety service in the top 3."
    )
    if "safety_probes6" in f:
        alarm_line += (
            f" Safety probes s6 (`{PROBES6}`, tuning): {f['safety_probes6'][1]}/"
            f"{f['safety_probes6'][0]}; its {f['alarm_near6'][0]} near misses (`{NEAR6}`): "
            f"{pct(f['alarm_near6'][1], f['alarm_near6'][0])}, weak tier "
            f"{pct(f['caution_near6'][1], f['caution_near6'][0])}."
        )
    if "safety_probes8" in f:
        alarm_line += (
            f" Safety probes s8 (`{PROBES8}`, tuning): {f['safety_probes8'][1]}/"
            f"{f['safety_probes8'][0]} ({f['safety_probes8'][2]} with a safety signal); its "
            f"{f['alarm_near8'][0]} near misses (`{NEAR8}`): "
            f"{pct(f['alarm_near8'][1], f['alarm_near8'][0])}, weak tier "
            f"{pct(f['caution_near8'][1], f['caution_near8'][0])}."
        )
    if "safety_probes10" in f:
        alarm_line += (
            f" Safety probes s10 (`{PROBES10}`, tuning): {f['safety_probes10'][1]}/"
            f"{f['safety_probes10'][0]} ({f['safety_probes10'][2]} with a safety signal); its "
            f"{f['alarm_near10'][0]} near misses (`{NEAR10}`): "
            f"{pct(f['alarm_near10'][1], f['alarm_near10'][0])}, weak tier "
            f"{pct(f['caution_near10'][1], f['caution_near10'][0])}."
        )
    cal = f["calibration"]
    cv = [
        "| tuning set (left out) | answers | confident, without a safety signal | right | "
        "confident, all (safety answers by their rule) | right | coverage |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in cal["per_set"]:
        cv.append(
            f"| {r['set']} | {r['n']} | {r['plain_confident']} | "
            f"{pct(r['plain_right'], r['plain_confident'])} | {r['confident']} | "
            f"{pct(r['right'], r['confident'])} | {pct(r['confident'], r['n'])} |")
    cv_line = (
        f"**Calibration, cross-validated** (`python -m bench.routing --calibrate`): each "
        "tuning set left out once, the confidence fitted on the others' answers without a "
        "safety signal; the threshold is the lowest at which the pooled out-of-fold "
        "answers reach a one-sided 90 % Wilson lower bound of 0.90 and each set with 30+ "
        "confident answers on its own (session 6) a one-sided 80 % one (session 14), else "
        "the lowest at which the pool and every set with 10+ confident answers are right "
        "9 in 10 out of fold. Now: "
        f"threshold {cal['confident_at']} ({'certified' if cal['certified'] else 'NOT certified'}"
        f": Wilson lower bound {cal['wilson_lower']:.3f}), out of fold "
        f"{pct(cal['oof_plain_right'], cal['oof_plain_confident'])} right of "
        f"{cal['n_plain']} plain answers; the router ships "
        f"{f['confident_at']} (weights {', '.join(str(w) for w in cal['weights'])}). "
        "Per set, out of fold:"
    )
    target = (POOL if f.get(POOL) is not None
              else "heldout8" if f.get("heldout8") is not None
              else "heldout7" if f.get("heldout7") is not None
              else "heldout6" if f.get("heldout6") is not None
              else "heldout5" if f.get("heldout5") is not None
              else "heldout4" if f.get("heldout4") is not None
              else "heldout" if f["heldout"] is not None else "frozen")
    tname = {POOL: "held out s63–s65 pooled, session 23",
             "heldout8": "held out s8, session 6", "heldout7": "held out s7, session 6",
             "heldout6": "held out s6, session 6",
             "heldout5": "held out, session 5", "heldout4": "held out, session 4",
             "heldout": "held out, session 3"}.get(
        target, "first frozen")
    margin = f[target][0] - f[target + "_bm25"][0]
    ct = f["conf_" + target]
    goals = [
        "| goal | target | measured | met |",
        "|---|---|---|---|",
        f"| top-1 ({tname}) | ≥ {goal['top1']:.2f} | {f[target][0]:.3f} | "
        f"{mark(f[target][0] >= goal['top1'])} |",
        f"| top-3 ({tname}) | ≥ {goal['top3']:.2f} | {f[target][1]:.3f} | "
        f"{mark(f[target][1] >= goal['top3'])} |",
        f"| safety service in the top 3 ({tname}) | all | "
        f"{f['safety_' + target][1]}/{f['safety_' + target][0]} | "
        f"{mark(f['safety_' + target][1] == f['safety_' + target][0])} |",
        f"| right when confident ({tname}) | ≥ {goal['right']:.0%} | "
        f"{pct(ct['right'], ct['confident'])}, coverage {pct(ct['confident'], ct['n'])} | "
        f"{mark(ct['confident'] > 0 and ct['right'] / ct['confident'] >= goal['right'])} |",
        f"| top-1 above BM25 ({tname}) | ≥ {goal['margin'] * 100:.0f} points | "
        f"{margin * 100:+.1f} points | {mark(margin >= goal['margin'])} |",
        f"| latency p95 (in process) | ≤ {goal['p95_ms']:.0f} ms | {f['p95']:.1f} ms | "
        f"{mark(f['p95'] <= goal['p95_ms'])} |",
    ]
    out = [
        SECTION,
        "",
        f"Measured {f['date']} with `python -m bench.routing{' --quick' if quick else ''}` "
        f"on {f['machine']}. Every question is read as asked on {f['today']} (a date in a "
        "question is weighed against that day: the fixed benchmark day `BENCH_DAY`, "
        "`--today YYYY-MM-DD` to change it; the same day for every figure below, so no "
        "figure depends on the clock).",
        f"Map: `{f['map']}` ({f['n_services']} services). The question sets side by side: "
        f"the development questions (`{f['questions']}`, tuned on); the first frozen set "
        f"(`tests/data/socialmap/{FROZEN}`, 84 questions, frozen 2026-12-03 in session 2 and "
        "looked at there: **a tuning set from session 3 on**); the everyday-words tuning set "
        f"of session 4 (`tests/data/socialmap/{TUNING4}`, 160 questions written by another "
        "engineer from the map alone, looked at per question: **a tuning set**); and the "
        "**held-out set** of "
        f"session 3 (`tests/data/socialmap/{HELDOUT}`, written by an independent writer who "
        "saw only the social map; nobody working on the router has read its questions, and "
        "this benchmark prints its aggregates only), and, when present, the held-out set of "
        f"session 4 (`tests/data/socialmap/{HELDOUT4}`, 120 questions by another independent "
        "writer, frozen before session 4's router work), and the held-out set of session 5 "
        f"(`tests/data/socialmap/{HELDOUT5}`, 120 questions by a third independent writer, "
        "frozen at the start of session 5 before any router work), and the three held-out "
        f"sets of session 6 (`tests/data/socialmap/{HELDOUT6}`, `{HELDOUT7}` and "
        f"`{HELDOUT8}`, 100 questions each by three more independent writers, each frozen "
        "before the router work it measures). **From session 7 on these six sets are "
        "retired**: their questions are shipped as example questions "
        "(`busbaan/routing/examples/asked-*.yaml`, `python -m bench.asked_examples`), and "
        "each is measured by a router built without its own file (leave one set out). The "
        "held-out sets of session 7 (`tests/data/socialmap/frozen-2026-12-05-s9.jsonl`, "
        "`-s10` and `-s11`, frozen at 23:10 UTC on 2026-12-04 and measured at the end of "
        "session 7) are retired the same way from session 8 on, and those of session 8 "
        "(`tests/data/socialmap/frozen-2026-12-06-s12.jsonl`, `-s13` and `-s14`, measured "
        "once at the end of session 8) from session 9 on, and those of session 9 "
        "(`tests/data/socialmap/frozen-2026-12-07-s15.jsonl`, `-s16` and `-s17`, measured "
        "once at the end of session 9) from session 10 on, and those of session 10 "
        "(`tests/data/socialmap/frozen-2026-12-08-s18.jsonl`, `-s19` and `-s20`, measured "
        "once at the end of session 10) from session 11 on, and those of session 11 "
        "(`tests/data/socialmap/frozen-2026-12-09-s21.jsonl`, `-s22` and `-s23`, measured "
        "once at the end of session 11) from session 12 on, and those of session 12 "
        "(`tests/data/socialmap/frozen-2026-12-10-s24.jsonl`, `-s25` and `-s26`, measured "
        "once at the end of session 12) from session 13 on, and those of session 13 "
        "(`tests/data/socialmap/frozen-2026-12-11-s27.jsonl`, `-s28` and `-s29`, measured "
        "once at the end of session 13) from session 14 on, and those of session 14 "
        "(`tests/data/socialmap/frozen-2026-12-12-s30.jsonl`, `-s31` and `-s32`, measured "
        "once at the end of session 14) from session 15 on, and those of session 15 "
        "(`tests/data/socialmap/frozen-2026-12-13-s33.jsonl`, `-s34` and `-s35`, measured "
        "once at the end of session 15) from session 16 on, and those of session 16 "
        "(`tests/data/socialmap/frozen-2026-12-14-s36.jsonl`, `-s37` and `-s38`, measured "
        "once at the end of session 16) from session 17 on, and those of session 17 "
        "(`tests/data/socialmap/frozen-2026-12-15-s39.jsonl`, `-s40` and `-s41`, measured "
        "once at the end of session 17, with its safety gate `-s42`) from session 18 on, "
        "and those of session 18 "
        "(`tests/data/socialmap/frozen-2026-12-16-s43.jsonl`, `-s44` and `-s45`, measured "
        "once at the end of session 18, with its safety gate `-s46`) from session 19 on, "
        "and those of session 19 "
        "(`tests/data/socialmap/frozen-2026-12-17-s47.jsonl`, `-s48` and `-s49`, measured "
        "once at the end of session 19, with its safety gate `-s50`) from session 20 on, "
        "and those of session 20 "
        "(`tests/data/socialmap/frozen-2026-12-18-s51.jsonl`, `-s52` and `-s53`, measured "
        "once at the end of session 20, with its safety gate `-s54`) from session 21 on, "
        "and those of session 21 "
        "(`tests/data/socialmap/frozen-2026-12-19-s55.jsonl`, `-s56` and `-s57`, measured "
        "once at the end of session 21, with its safety gate `-s58`) from session 22 on, "
        "and those of session 22 "
        "(`tests/data/socialmap/frozen-2026-12-20-s59.jsonl`, `-s60` and `-s61`, measured "
        "once at the end of session 22, with its safety gate `-s62`) from session 23 on. "
        "The held-out sets of session 23 "
        "(`tests/data/socialmap/frozen-2026-12-21-s63.jsonl`, `-s64` and `-s65`, 100 "
        "questions each by three more independent writers, frozen before the session's "
        "router work and measured at its end) are the ones the goals below are read on, "
        "pooled; the session's safety gate `-s66` (70 dangers, 30 near misses) is shown "
        "beside them.",
        "",
        *side,
        "",
        alarm_line,
        "",
        *before,
        "",
        *goals,
        "",
        *rows,
        "",
        *first,
        "",
        "**Confidence** (calibrated: a logistic model over the answer's features, fitted on "
        "the tuning sets (dev, our own sets, the first frozen set, the s4 tuning set, the "
        "safety probes and near misses), never on a held-out set; "
        "`python -m bench.routing --calibrate`). An answer with a safety signal (its service "
        "first) is confident when the question's own words bear the signal out "
        "(`Tuning.safety_confident_share`). Reliability (answers without a safety signal, "
        "by calibrated confidence):",
        "",
        *rel,
        "",
        cv_line,
        "",
        *cv,
        "",
        f"- Latency per question in process (`Router.route`, {f['n_lat']} timings over "
        f"{f['passes']} passes of dev + first frozen): p50 {f['p50']:.1f} ms, p95 "
        f"{f['p95']:.1f} ms (wall time, machine shared); CPU time per question "
        f"{f['cpu_ms']:.1f} ms; building the index once: {f['build_s']:.2f} s.",
        f"- Off-topic questions answered confidently: {f['off_confident']}/{f['n_off']}.",
    ]
    if not quick:
        curve = ["| feedback items | associations | top-1, paraphrases of corrected "
                 "questions | top-1, all paraphrases | top-1, replayed dev | top-1, own new "
                 "(untouched) |", "|---|---|---|---|---|---|"]
        for r in f["replay"]:
            corrected, n = r["corrected"]
            text = f"{corrected:.2f} ({n})" if n else "– (0)"
            curve.append(f"| {r['items']} | {r['associations']} | {text} | "
                         f"{r['paraphrases']:.3f} | {r['stream']:.3f} | {r['others']:.3f} |")
        parts = [
            "| variant | dev | first frozen | tuning s4 | own paraphrases | own new questions |",
            "|---|---|---|---|---|---|",
            *(
                f"| {label} | " + " | ".join(f"{t1:.3f} / {t3:.3f}" for t1, t3 in cells)
                + " |"
                for label, cells in f["ablation"]
            ),
            "",
            "How many example questions a service needs (document expansion, session 6; the "
            "first n of each service's examples, first batch before second; a buurtteam "
            "glob holds 90; top-1 / top-3; no held-out set):",
            "",
            "| examples per service | dev | first frozen | tuning s4 | own paraphrases | "
            "own new questions |",
            "|---|---|---|---|---|---|",
            *(
                f"| {n} | " + " | ".join(f"{t1:.3f} / {t3:.3f}" for t1, t3 in cells) + " |"
                for n, cells in f["examples_curve"]
            ),
        ]
        sem = f["semantic"]
        out += [
            f"- Through the CLI (`busbaan route batch`): {f['cli']}.",
            "",
            "**Learning from professionals** (replay: dev questions drawn at random, seed 8; "
            "the simulated professional says !goed when the first service is expected, else "
            "!fout <expected>; as in the bot, feedback on a safety answer is not learned (since "
            "session 8), nothing learned counts against a safety service and a vote weighs "
            "by its term's informativeness; an association counts from 2 sources; "
            "paraphrases: "
            "`heldout-own.jsonl` + `learning-paraphrases.jsonl`, our rewordings of dev "
            "questions; 'own new' is never replayed and shows what learning costs "
            "elsewhere):",
            "",
            *curve,
            "",
            "**Semantic ranker** (optional; against the local deterministic embeddings "
            "server of the tests, 128-dimension hashed character 4-grams, so this measures "
            "the plumbing's cost, not a real model's quality): per dev question in process, "
            f"lexical p50 {sem['p50_plain']:.1f} / p95 {sem['p95_plain']:.1f} ms, with the "
            f"embedding call and fusion p50 {sem['p50_fused']:.1f} / p95 "
            f"{sem['p95_fused']:.1f} ms (added p95 {sem['p95_fused'] - sem['p95_plain']:+.1f}"
            f" ms); dev top-1 {sem['top1_plain']:.3f} lexical vs {sem['top1_fused']:.3f} "
            "fused.",
            "",
            "What each part brings (each row switches one part off; top-1 / top-3; the "
            "held-out set is deliberately not in this table):",
            "",
            *parts,
        ]
    out += [
        "",
        "- Honest caveats: the dev questions and the first frozen set were looked at while "
        "the router, its word lists and its safety cues were built, so their figures are "
        "optimistic; only the held-out set says how the router does on questions it has "
        "never seen.",
        "- Example questions per service (session 6, `busbaan/routing/examples/`): written "
        "by six engineers from the map's text alone, without seeing any test question, "
        "in three batches: 25 per service, then 15 and 15 more on situations and voices the "
        "earlier ones lacked (90 per buurtteam glob; 3,865 in all); indexed beside the map "
        "(BM25 over the examples, a service's 5 best at rank decay 0.8, weight 0.5, the "
        "middle of a flat optimum on the tuning sets; 1.5 from session 7, when the retired "
        "sets' 884 questions joined them, again the middle of a flat optimum, leave one "
        "set out). The held-out writers used the same "
        "map and, like the example writers, wrote in everyday words; an outside writer "
        "may phrase things in ways neither foresaw.",
        "- Vocabulary bridges tried in session 5 and left out, because none helped any "
        "tuning set (docs/notes/2026-12-04s5-route5.md): FreeDict Dutch-English pivot "
        "synonyms and English translations (Debian dict-freedict-*), Princeton WordNet 3.0 "
        "into the English lexicon (Debian wordnet-base), Open Dutch WordNet synonyms. Kept: "
        "a denial ('geld is geen probleem', 'geen drugs of zo', 'no depression or anything') "
        "rules its topic out without a following 'maar' (unchanged on every tuning set).",
        "",
    ]
    return "\n".join(out)


def write_section(text: str, path: Path = DOCS) -> None:
    """Replace (or append) this benchmark's section in docs/benchmarks.md."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def bench_day(text: str) -> dt.date:
    """``--today``'s value as a day (argparse reports a ValueError as a bad value)."""
    return dt.date.fromisoformat(text)


def set_figures(router: Router, questions: Sequence[dict[str, Any]],
                today: dt.date = BENCH_DAY) -> dict[str, Any]:
    """A set's figures in the benchmark, every question read on ``today``: top-1/top-3
    through ``route batch``'s line handler (key ""), and the safety ("safety"), false
    alarm ("alarm", "caution") and confidence ("conf") tables through ``Router.route``:
    the same day for all, so that a question with a date is one answer in every table."""
    return {
        "": score(questions, busbaan_ranker(router, today)),
        "safety": safety_figures(router, questions, today),
        "alarm": false_alarms(router, questions, today),
        "caution": caution_alarms(router, questions, today),
        "conf": confidence_summary(confidence_rows(router, questions, today)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--passes", type=int, default=5, help="latency passes (default 5)")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs")
    parser.add_argument("--no-cli", action="store_true", help="skip the run through the CLI")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="accuracy, safety, confidence and latency only (no ablation, learning replay, "
        "semantic ranker or CLI run)",
    )
    parser.add_argument(
        "--no-heldout",
        action="store_true",
        help="leave the current held-out sets out (s63-s66; for work on the router: they "
        "are measured only at the end of a session)",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="fit the confidence on the tuning sets (never the held-out set), print",
    )
    parser.add_argument(
        "--today",
        type=bench_day,
        default=BENCH_DAY,
        metavar="YYYY-MM-DD",
        help=f"the day every question is read on (default {BENCH_DAY.isoformat()}, the "
        "fixed benchmark day: the figures do not depend on the clock)",
    )
    args = parser.parse_args(argv)
    day: dt.date = args.today
    if args.calibrate:
        fitted = calibrate(routers(load_map(data_file("amsterdam-demo.hsds.json"))),
                           calibration_sets(), day)
        print(json.dumps(fitted))
        return 0

    map_path = data_file("amsterdam-demo.hsds.json")
    dev_path = data_file("dev-questions.jsonl")
    dev = read_jsonl(dev_path)
    frozen = read_jsonl(LOCAL / FROZEN)
    heldout_path = LOCAL / HELDOUT
    heldout = (
        read_jsonl(heldout_path) if heldout_path.exists() else None
    )
    heldout4_path = LOCAL / HELDOUT4
    heldout4 = (
        read_jsonl(heldout4_path) if heldout4_path.exists() else None
    )
    heldout5_path = LOCAL / HELDOUT5
    heldout5 = (
        read_jsonl(heldout5_path) if heldout5_path.exists() else None
    )
    session6 = {key: read_jsonl(LOCAL / name) for key, name in (("heldout6", HELDOUT6),
                                                                ("heldout7", HELDOUT7),
                                                                ("heldout8", HELDOUT8))
                if (LOCAL / name).exists()}
    session7 = {key: read_jsonl(LOCAL / name) for key, name in SESSION7_HELDOUT.items()
                if (LOCAL / name).exists()}
    session8 = {key: read_jsonl(LOCAL / name) for key, name in SESSION8_HELDOUT.items()
                if (LOCAL / name).exists()}
    session9 = {key: read_jsonl(LOCAL / name) for key, name in SESSION9_HELDOUT.items()
                if (LOCAL / name).exists()}
    session10 = {key: read_jsonl(LOCAL / name) for key, name in SESSION10_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session11 = {key: read_jsonl(LOCAL / name) for key, name in SESSION11_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session12 = {key: read_jsonl(LOCAL / name) for key, name in SESSION12_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session13 = {key: read_jsonl(LOCAL / name) for key, name in SESSION13_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session14 = {key: read_jsonl(LOCAL / name) for key, name in SESSION14_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session15 = {key: read_jsonl(LOCAL / name) for key, name in SESSION15_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session16 = {key: read_jsonl(LOCAL / name) for key, name in SESSION16_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session17 = {key: read_jsonl(LOCAL / name) for key, name in SESSION17_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session18 = {key: read_jsonl(LOCAL / name) for key, name in SESSION18_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session19 = {key: read_jsonl(LOCAL / name) for key, name in SESSION19_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session20 = {key: read_jsonl(LOCAL / name) for key, name in SESSION20_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session21 = {key: read_jsonl(LOCAL / name) for key, name in SESSION21_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session22 = {key: read_jsonl(LOCAL / name) for key, name in SESSION22_HELDOUT.items()
                 if (LOCAL / name).exists()}
    session23 = {key: read_jsonl(LOCAL / name)
                 for key, name in (SESSION23_HELDOUT | SESSION23_GATE).items()
                 if (LOCAL / name).exists() and not args.no_heldout}
    if all(key in session23 for key in SESSION23_HELDOUT):
        session23[POOL] = [q for key in SESSION23_HELDOUT for q in session23[key]]
    own = read_jsonl(LOCAL / "heldout-own.jsonl")
    fresh = read_jsonl(LOCAL / "heldout-own-fresh.jsonl")
    learn = read_jsonl(LOCAL / "learning-paraphrases.jsonl")
    off = read_jsonl(LOCAL / "offtopic.jsonl")
    near = read_jsonl(LOCAL / "safety-near-misses.jsonl")
    near4 = read_jsonl(LOCAL / NEAR4)
    tuning4 = read_jsonl(LOCAL / TUNING4)
    probes = read_jsonl(LOCAL / PROBES)
    probes5 = read_jsonl(LOCAL / PROBES5)
    near5 = read_jsonl(LOCAL / NEAR5)

    social_map = load_map(map_path)
    start = time.perf_counter()
    router = Router(social_map)
    build_s = time.perf_counter() - start
    router_for = routers(social_map)
    baseline = bm25_ranker(map_path)

    times = latency(router, [*dev, *frozen], args.passes, day)
    figures: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "today": day.isoformat(),
        "quick": args.quick,
        "machine": machine_note(),
        "map": os.path.relpath(map_path, ROOT),
        "questions": os.path.relpath(dev_path, ROOT),
        "n_services": len(social_map.services),
        "n_off": len(off),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "n_lat": len(times),
        "cpu_ms": cpu_per_question(router, [*dev, *frozen], day),
        "passes": args.passes,
        "build_s": build_s,
        "off_confident": sum(router.route(q["question"], q["context"], today=day).confident
                             for q in off),
        "alarm_off": false_alarms(router, off, day),
        "alarm_near": false_alarms(router, near, day),
        "alarm_near4": false_alarms(router, near4, day),
        "caution_near": caution_alarms(router, near, day),
        "caution_near4": caution_alarms(router, near4, day),
        "alarm_near5": false_alarms(router, near5, day),
        "caution_near5": caution_alarms(router, near5, day),
        "safety_probes6": safety_figures(router, read_jsonl(LOCAL / PROBES6), day),
        "alarm_near6": false_alarms(router, read_jsonl(LOCAL / NEAR6), day),
        "caution_near6": caution_alarms(router, read_jsonl(LOCAL / NEAR6), day),
        "safety_probes8": safety_figures(router, read_jsonl(LOCAL / PROBES8), day),
        "alarm_near8": false_alarms(router, read_jsonl(LOCAL / NEAR8), day),
        "caution_near8": caution_alarms(router, read_jsonl(LOCAL / NEAR8), day),
        "safety_probes10": safety_figures(router, read_jsonl(LOCAL / PROBES10), day),
        "alarm_near10": false_alarms(router, read_jsonl(LOCAL / NEAR10), day),
        "caution_near10": caution_alarms(router, read_jsonl(LOCAL / NEAR10), day),
        "calibration": calibrate(router_for, calibration_sets(), day),
        "confident_at": router.tuning.confident_at,
        "caution_off": caution_alarms(router, off, day),
        "alarm_tnear": false_alarms(
            router, [q for q in tuning4 if "near-miss" in q.get("tags", [])], day),
        "heldout": None,
        "heldout4": None,
        "heldout5": None,
        "heldout6": None,
        "heldout7": None,
        "heldout8": None,
        **{key: None for key in SESSION7_HELDOUT},
        **{key: None for key in SESSION8_HELDOUT},
        **{key: None for key in SESSION9_HELDOUT},
        **{key: None for key in SESSION10_HELDOUT},
        **{key: None for key in SESSION11_HELDOUT},
        **{key: None for key in SESSION12_HELDOUT},
        **{key: None for key in SESSION13_HELDOUT},
        **{key: None for key in SESSION14_HELDOUT},
        **{key: None for key in SESSION15_HELDOUT},
        **{key: None for key in SESSION16_HELDOUT},
        **{key: None for key in SESSION17_HELDOUT},
        **{key: None for key in SESSION18_HELDOUT},
        **{key: None for key in SESSION19_HELDOUT},
        **{key: None for key in SESSION20_HELDOUT},
        **{key: None for key in SESSION21_HELDOUT},
        **{key: None for key in SESSION22_HELDOUT},
        **{key: None for key in SESSION23_HELDOUT},
        **{key: None for key in SESSION23_GATE},
        POOL: None,
    }
    if not args.quick:
        figures |= {
            "replay": replay(router, dev, [*own, *learn], fresh, today=day),
            "semantic": semantic_latency(social_map, dev, 1, day),
            "cli": "skipped" if args.no_cli else cli_check(map_path, dev, router, day),
            "ablation": ablation(social_map, (dev, frozen, tuning4, own, fresh), day),
            "examples_curve": examples_curve(social_map, (dev, frozen, tuning4, own, fresh),
                                             today=day),
        }
    named = [("dev", dev), ("frozen", frozen), ("tuning4", tuning4), ("own", own),
             ("fresh", fresh), ("probes", probes), ("probes5", probes5)]
    if heldout is not None:
        named.append(("heldout", heldout))
    if heldout4 is not None:
        named.append(("heldout4", heldout4))
    if heldout5 is not None:
        named.append(("heldout5", heldout5))
    named += (list(session6.items()) + list(session7.items()) + list(session8.items())
              + list(session9.items()) + list(session10.items())
              + list(session11.items()) + list(session12.items())
              + list(session13.items()) + list(session14.items())
              + list(session15.items()) + list(session16.items())
              + list(session17.items()) + list(session18.items())
              + list(session19.items()) + list(session20.items())
              + list(session21.items()) + list(session22.items())
              + list(session23.items()))
    for key, questions in named:
        figures |= {f"{name}_{key}" if name else key: value for name, value in
                    set_figures(router_for(key), questions, day).items()}
        figures["n_" + key] = len(questions)
        figures[key + "_bm25"] = score(questions, baseline)
    text = render(figures)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"(written to {os.path.relpath(DOCS, ROOT)})")
    return 0


def tuning_sets() -> list[dict[str, Any]]:
    """The questions the router may be tuned and calibrated on: dev, our own sets and
    the first frozen set (looked at in session 2). Never the held-out set."""
    return [
        *read_jsonl(data_file("dev-questions.jsonl")),
        *read_jsonl(LOCAL / "heldout-own.jsonl"),
        *read_jsonl(LOCAL / "heldout-own-fresh.jsonl"),
        *read_jsonl(LOCAL / FROZEN),
        *read_jsonl(LOCAL / TUNING4),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
