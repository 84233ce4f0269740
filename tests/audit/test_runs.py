"""What "a checkpoint is missing for a period the service ran" means (pure rules)."""

from __future__ import annotations

import datetime as dt

from busbaan.audit.runs import Marker, check_markers, marker_entry, parse_marker

T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
MIN5 = dt.timedelta(minutes=5)


def run(name: str, start_index: int, count: int, *, stop: bool = True,
        after: tuple[str, int] | None = None, step: int = 10,
        t0: dt.datetime = T0) -> list[Marker]:
    """A run of ``count`` markers, ``step`` entries apart, five minutes apart."""
    out = []
    for seq in range(count):
        reason = "start" if seq == 0 else ("stop" if stop and seq == count - 1 else "periodic")
        out.append(Marker(start_index + seq * step, t0 + seq * MIN5, name, seq, reason, 300,
                          None, 0, *(after if seq == 0 and after else (None, None))))
    return out


def chained(markers: list[Marker]) -> tuple[list[Marker], list[int]]:
    """Fill in prev_size from the checkpoint before each marker; the checkpoint sizes."""
    sizes = [m.index + 1 for m in markers]
    fixed, prev = [], None
    for m in sorted(markers, key=lambda m: m.index):
        fixed.append(Marker(m.index, m.occurred_at, m.run, m.seq, m.reason, m.interval, prev,
                            m.failed, m.after_run, m.after_seq))
        prev = m.index + 1
    return fixed, sizes


def kinds(markers: list[Marker], sizes: list[int], ran: bool = True) -> list[str]:
    return [f.kind for f in check_markers(markers, sizes, ran)[0]]


def test_marker_entries_round_trip() -> None:
    """A marker entry parses back to the same facts; other entries are not markers."""
    entry = marker_entry(now=T0, run="r1", seq=3, reason="periodic", interval=300,
                         prev_size=40, failed=2, after=None)
    m = parse_marker(41, entry)
    assert m == Marker(41, T0, "r1", 3, "periodic", 300, 40, 2, None, None)
    assert parse_marker(1, marker_entry(now=T0, run="r", seq=0, reason="start", interval=1,
                                        prev_size=None, after=("r0", 7))).after_seq == 7


def test_clean_runs_and_a_vouched_crash_pass() -> None:
    """Two clean runs, then a crashed run that the next start names with its last seq,
    then an open run: no finding; the open run is reported."""
    markers, sizes = chained(run("a", 0, 4) + run("b", 100, 3, stop=False)
                             + run("c", 200, 2, stop=False, after=("b", 2), t0=T0 + 3 * MIN5))
    findings, open_run = check_markers(markers, sizes, True)
    assert findings == [] and open_run is not None and open_run.run == "c"


def test_each_way_of_losing_a_checkpoint_is_named() -> None:
    """A deleted checkpoint, a deleted marker, a late signature, a cut-off run and an
    unknown previous run are each found; no checkpoint at all is found too."""
    markers, sizes = chained(run("a", 0, 5))
    assert kinds(markers, [s for s in sizes if s != 21]) == ["checkpoint_missing",
                                                              "checkpoint_chain"]
    del markers[2]
    assert "run_gap" in kinds(markers, [s for s in sizes if s != 21])
    late, sizes = chained(run("a", 0, 3))
    late[2] = Marker(late[2].index, late[2].occurred_at + 20 * MIN5, "a", 2, "stop", 300,
                     late[2].prev_size)
    assert kinds(late, sizes) == ["checkpoint_gap"]
    excused = [*late[:2], Marker(late[2].index, late[2].occurred_at, "a", 2, "stop", 300,
                                 late[2].prev_size, failed=4)]
    assert kinds(excused, sizes) == []
    cut, sizes = chained(run("a", 0, 4, stop=False) + run("b", 100, 2, after=("a", 7)))
    assert set(kinds(cut, sizes)) == {"run_truncated"}  # the start names a seq that is gone
    unvouched, sizes = chained(run("a", 0, 4, stop=False) + run("b", 100, 2))
    assert kinds(unvouched, sizes) == ["run_truncated"]
    assert kinds([], [], ran=True) == ["checkpoints_absent"]
    assert kinds([], [], ran=False) == []
