"""`FeedbackRepository.rate` on SQLite and PostgreSQL (session 11, outside13 finding 5):
the verdict a command keeps and the learned votes of that verdict are stored in one
transaction, so `route_learned` holds exactly the stored verdict's votes — after a
sequence of commands, after a question that cannot be read again, and when commands
of the same person arrive at once (threads, each with its own engine like a bot
process). Since session 11 (privacy13) the verdict names the person per answer and
the votes' source is the person's pseudonym with the verdict's id under the key."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import feedback_votes, source_key
from busbaan.store import make_engine
from busbaan.store.wegwijzer_learned import LearnedRepository
from busbaan.store.wegwijzer_repo import AnswerRepository, FeedbackRepository
from busbaan.wegwijzer import AnswerRecord, ResultRef

T0 = dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)
MAP = "cd" * 32
_P = Pseudonyms(b"f" * 32)
A_, B_ = "@a:x", "@b:x"  # who rates (their Matrix IDs; the store gets pseudonyms)
TERMS = ("brief", "lez", "gemeent")
ANSWERED = ("veilig-thuis", "taalhuis", "voedselbank")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the migrated test database, with one answer to rate."""
    engine = make_engine(db_url)
    AnswerRepository(engine).add(_answer("A-FB1"))
    yield engine
    engine.dispose()


def _answer(answer_id: str) -> AnswerRecord:
    return AnswerRecord(
        answer_id=answer_id, room_id="!r:x", event_id=f"$ev-{answer_id}",
        question_event_id="$q", asker=_P.asker(answer_id, A_), question_sha256="ab" * 32,
        map_sha256=MAP,
        results=tuple(ResultRef(s, "org", 500, None) for s in ANSWERED),
        confident=True, created_at=T0)


def _votes(engine: Engine, answer_id: str = "A-FB1") -> dict[tuple[str, str], int]:
    """Net learned votes per (term, service) of every verdict on the answer, read from
    their sources' sealed records (found with the key: the record is under the keyed
    verdict id); the counted votes (per association and voter) must be exactly those of
    all stored records."""
    with engine.connect() as conn:
        records = conn.execute(sa.text(
            "SELECT source_ref, sealed FROM route_learned_source")).all()
        counted = {(t, sid): (int(v), int(n)) for t, sid, v, n in conn.execute(sa.text(
            "SELECT term, service_id, SUM(votes), SUM(net) FROM route_learned_count "
            "GROUP BY term, service_id")).all()}
    opened = {ref: _P.open_learned(ref, sealed) for ref, sealed in records}
    every: dict[tuple[str, str], tuple[int, int]] = {}
    for record in opened.values():
        for t, sid, d in record["votes"]:  # type: ignore[index]
            votes, net = every.get((t, sid), (0, 0))
            every[(t, sid)] = (votes + 1, net + d)
    assert counted == every
    mine = {_P.learned_source(f.feedback_id)
            for f in FeedbackRepository(engine).for_answer(answer_id)}
    out: dict[tuple[str, str], int] = {}
    for ref, record in opened.items():
        if ref in mine:
            for t, sid, d in record["votes"]:  # type: ignore[index]
                out[(t, sid)] = out.get((t, sid), 0) + d
    return out


def _expected(verdict: str, named: str | None, people: int = 1) -> dict[tuple[str, str], int]:
    return {(t, s): d * people for s, d in feedback_votes(verdict, named, ANSWERED)
            for t in TERMS}


def _rate(engine: Engine, verdict: str, named: str | None = None, *, by: str = A_,
          terms: tuple[str, ...] | None = TERMS, answer_id: str = "A-FB1") -> object:
    repo = FeedbackRepository(engine)
    return repo.rate(_answer(answer_id), by=_P.asker(answer_id, by),
                     source=lambda feedback_id: source_key(feedback_id, by, _P),
                     verdict=verdict, named=named,  # type: ignore[arg-type]
                     feedback_id=repo.new_id(), at=T0, terms=terms, pseudonyms=_P)


def test_a_sequence_of_commands_keeps_one_verdict_and_its_votes(engine: Engine) -> None:
    """`!wrong schuldhulp`, `!fout` (keeps it), `!fout voedselbank` (replaces), `!goed`
    (withdraws): after each, one row, and the learned votes are the stored verdict's."""
    steps = [("wrong", "schuldhulp", "new", ("wrong", "schuldhulp")),
             ("wrong", None, "kept_service", ("wrong", "schuldhulp")),
             ("wrong", "voedselbank", "replaced_service", ("wrong", "voedselbank")),
             ("good", None, "to_good", ("good", None)),
             ("good", None, "same", ("good", None)),
             ("wrong", None, "to_wrong", ("wrong", None))]
    first_id = None
    for verdict, named, outcome, (v, expected) in steps:
        rated = _rate(engine, verdict, named)
        assert rated.decision.outcome == outcome  # type: ignore[attr-defined]
        [row] = FeedbackRepository(engine).for_answer("A-FB1")
        assert (row.verdict, row.expected_service_id) == (v, expected)
        first_id = first_id or row.feedback_id
        assert row.feedback_id == first_id  # one source: the first verdict's id
        assert _votes(engine) == _expected(v, expected), (verdict, named)


def test_named_first_and_repeats_write_nothing(engine: Engine) -> None:
    """A refused `!fout <first service>` and a repeated verdict leave row and votes."""
    refused = _rate(engine, "wrong", "veilig-thuis")
    assert refused.decision.outcome == "named_first"  # type: ignore[attr-defined]
    assert refused.stored is None  # type: ignore[attr-defined]
    assert FeedbackRepository(engine).for_answer("A-FB1") == [] and _votes(engine) == {}
    _rate(engine, "wrong", "taalhuis")
    before = FeedbackRepository(engine).for_answer("A-FB1")
    later = FeedbackRepository(engine)
    again = later.rate(_answer("A-FB1"), by=_P.asker("A-FB1", A_),
                       source=lambda feedback_id: source_key(feedback_id, A_, _P),
                       verdict="wrong", named="taalhuis", feedback_id=later.new_id(),
                       at=T0 + dt.timedelta(days=1), terms=TERMS, pseudonyms=_P)
    assert not again.decision.changes and not again.learned
    assert FeedbackRepository(engine).for_answer("A-FB1") == before  # not even its time
    _rate(engine, "wrong", "veilig-thuis")  # refused: taalhuis stays
    assert _votes(engine) == _expected("wrong", "taalhuis")


def test_a_changed_verdict_without_the_question_reuses_the_stored_terms(
        engine: Engine) -> None:
    """When the question cannot be read again (terms None), the earlier votes' terms
    carry the new verdict; a withdrawn vote is withdrawn all the same; a verdict on a
    safety answer (terms ()) changes no votes and says so (no route.learned entry)."""
    _rate(engine, "wrong", "taalhuis")
    _rate(engine, "good", terms=None)
    assert _votes(engine) == _expected("good", None)
    withdrawn = _rate(engine, "wrong", "voedselbank", terms=())  # learns nothing now
    assert _votes(engine) == {} and withdrawn.learned  # type: ignore[attr-defined]
    AnswerRepository(engine).add(_answer("A-SAFE"))
    safe = _rate(engine, "wrong", "taalhuis", terms=(), answer_id="A-SAFE")
    assert safe.decision.changes and not safe.learned  # type: ignore[attr-defined]
    assert FeedbackRepository(engine).for_answer("A-FB1")[0].expected_service_id == \
        "voedselbank"


def test_two_people_count_once_each(engine: Engine) -> None:
    """Two people's verdicts on one answer are two sources with their own person."""
    _rate(engine, "wrong", "taalhuis", by=A_)
    _rate(engine, "wrong", "taalhuis", by=B_)
    _rate(engine, "wrong", None, by=B_)  # keeps taalhuis
    assert _votes(engine) == _expected("wrong", "taalhuis", people=2)
    # per association two voters, each the person's keyed value for that association
    evidence = LearnedRepository(engine).evidence(MAP)
    assert {(e.term, e.service_id, e.source_id) for e in evidence} == {
        (t, sid, _P.learned_voter(_P.person(who), MAP, t, sid))
        for who in (A_, B_) for (t, sid) in _expected("wrong", "taalhuis")}
    # the verdicts name each person per answer, the votes by their one pseudonym
    assert {f.by for f in FeedbackRepository(engine).for_answer("A-FB1")} == {
        _P.asker("A-FB1", A_), _P.asker("A-FB1", B_)}


def test_rate_keeps_the_verdict_to_the_day_and_its_votes_without_time_or_person(
        engine: Engine) -> None:
    """privacy13 in `rate`: the verdict's time is the UTC day (an exact time joined it
    to the audit entry naming the professional); privacy16: the votes keep no time, no
    row id and no value that names the person beyond one association (a keyed voter
    per association), and their source's record is sealed (neither the verdict's id nor
    its `by` nor the person's pseudonym in the clear)."""
    _rate(engine, "wrong", "taalhuis")
    [row] = FeedbackRepository(engine).for_answer("A-FB1")
    day = T0.replace(hour=0)
    assert row.created_at == day and row.by == _P.asker("A-FB1", A_)
    person = _P.person(A_)
    with engine.connect() as conn:
        counts = conn.execute(sa.text("SELECT * FROM route_learned_count")).mappings().all()
        sources = conn.execute(sa.text("SELECT * FROM route_learned_source")).mappings().all()
    assert counts and set(counts[0]) == {"map_sha256", "term", "service_id", "voter",
                                         "votes", "net"}
    assert len({c["voter"] for c in counts}) == len(counts)  # one value per association
    [source] = sources
    stored = " ".join(str(v) for r in (*counts, *sources) for v in r.values())
    for value in (row.feedback_id, row.by, person, A_):
        assert value not in stored
    assert _P.open_learned(source["source_ref"], source["sealed"])["person"] == person  # type: ignore[index]
    assert Pseudonyms.generate().open_learned(source["source_ref"], source["sealed"]) is None


def _send(db_url: str, start: threading.Barrier, errors: list[BaseException],
          answer_id: str, verdict: str, named: str | None) -> None:
    """One command from its own engine, started with the others at the barrier."""
    own = make_engine(db_url)
    try:
        start.wait()
        _rate(own, verdict, named, answer_id=answer_id)
    except BaseException as exc:  # any failure is reported by the test
        errors.append(exc)
    finally:
        own.dispose()


def test_commands_at_once_leave_one_verdict_and_its_votes(db_url: str,
                                                          engine: Engine) -> None:
    """Eight threads (own engines, like bot processes) send the same person's commands
    on one answer at once, several rounds: no error, one row, and the learned table
    holds exactly the votes of the verdict that row keeps (no double counting, no
    leftover of a replaced verdict)."""
    commands = [("wrong", "schuldhulp"), ("wrong", None), ("good", None),
                ("wrong", "voedselbank"), ("wrong", "taalhuis"), ("good", None),
                ("wrong", None), ("wrong", "schuldhulp")]
    for round_ in range(8):
        answer_id = f"A-RACE{round_}"
        AnswerRepository(engine).add(_answer(answer_id))
        errors: list[BaseException] = []
        start = threading.Barrier(len(commands))
        threads = [threading.Thread(target=_send, args=(db_url, start, errors, answer_id, *c))
                   for c in commands]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert errors == []
        [row] = FeedbackRepository(engine).for_answer(answer_id)
        assert _votes(engine, answer_id) == _expected(row.verdict, row.expected_service_id)
