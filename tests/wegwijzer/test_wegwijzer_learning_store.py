"""Learned evidence in the store (issue 8), on SQLite and PostgreSQL, and the
`busbaan route learned list|forget` commands (forget is audited)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from busbaan.audit.storage import AuditLog
from busbaan.cli import main
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import Evidence
from busbaan.store import make_engine
from busbaan.store.wegwijzer_learned import LearnedRepository

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
MAP = "a" * 64
_P = Pseudonyms.generate()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the migrated test database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _votes(source: str, service: str = "welzijn-eenzaamheid") -> list[Evidence]:
    return [Evidence(t, service, 1, source) for t in ("eenzam", "weduwnar")]


def test_a_source_replaces_its_votes_and_support_counts(engine: Engine) -> None:
    """A changed verdict replaces its source's votes; two sources make an association."""
    repo = LearnedRepository(engine)
    repo.replace_source(MAP, "F1", _votes("F1", "shv-schuldhulpverlening"), _P)
    repo.replace_source(MAP, "F1", _votes("F1"), _P)  # the professional changed it
    assert {e.service_id for e in repo.evidence(MAP)} == {"welzijn-eenzaamheid"}
    assert len(repo.learned(MAP)) == 0
    repo.replace_source(MAP, "F2", _votes("F2"), _P)
    assert len(repo.learned(MAP)) == 2
    assert len(repo.learned("b" * 64)) == 0  # per map version
    [first, *_] = repo.summary(MAP)
    assert first.net == 2 and first.sources == 2


def test_cli_lists_and_forgets_with_an_audit_entry(db_url: str, engine: Engine) -> None:
    """`route learned list --json` shows associations; `forget` deletes and is audited."""
    repo = LearnedRepository(engine)
    for source in ("F1", "F2"):
        repo.replace_source(MAP, source, _votes(source), _P)
    runner = CliRunner()
    listed = runner.invoke(main, ["route", "learned", "list", "--db", db_url, "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {(r["term"], r["service_id"], r["net"], r["counts"]) for r in rows} == {
        ("eenzam", "welzijn-eenzaamheid", 2, True),
        ("weduwnar", "welzijn-eenzaamheid", 2, True),
    }
    before = AuditLog(engine).size()
    forgot = runner.invoke(main, ["route", "learned", "forget", "eenzam", "--db", db_url,
                                  "--map-sha", MAP[:8]], env={"BUSBAAN_LANG": "nl"})
    assert forgot.exit_code == 0, forgot.output
    assert "2 stem(men)" in forgot.output
    assert {e.term for e in repo.evidence(MAP)} == {"weduwnar"}
    assert AuditLog(engine).size() == before + 1
    unknown = runner.invoke(main, ["route", "learned", "list", "--db", db_url,
                                   "--map-sha", "ffff"])
    assert unknown.exit_code != 0 and "ffff" in unknown.output


def test_cli_lists_what_is_held_back_and_why(db_url: str, engine: Engine) -> None:
    """outside8 finding 5: evidence against a safety service is stored and listed but
    held back ("tegen een veiligheidsdienst: telt niet"; English with BUSBAAN_LANG=en);
    --json says so in `counts` and `held_back`; --map adds each term's weight on the
    map the bot serves."""
    from busbaan.routing import demo_map_path
    from busbaan.wegwijzer.mapdoc import map_document

    sha = map_document(json.loads(demo_map_path().read_text(encoding="utf-8")), "demo").sha256
    repo = LearnedRepository(engine)
    for source in ("p1~F1", "p2~F2"):
        repo.replace_source(sha, source, [Evidence("man", "veilig-thuis", -1, source),
                                          Evidence("man", "poh-ggz", 1, source),
                                          Evidence("alcohol", "poh-ggz", 1, source)], _P)
    runner = CliRunner()
    listed = runner.invoke(main, ["route", "learned", "list", "--db", db_url],
                           env={"BUSBAAN_LANG": "nl"})
    assert listed.exit_code == 0, listed.output
    [vt] = [line for line in listed.output.splitlines() if "veilig-thuis" in line]
    assert vt.endswith("-2 (2) (tegen een veiligheidsdienst: telt niet)"), vt
    [pg] = [line for line in listed.output.splitlines() if "man " in line and "poh-ggz" in line]
    assert pg.endswith("+2 (2)"), pg
    english = runner.invoke(main, ["route", "learned", "list", "--db", db_url],
                            env={"BUSBAAN_LANG": "en"})
    assert "(against a safety service: not applied)" in english.output
    as_json = runner.invoke(main, ["route", "learned", "list", "--db", db_url, "--json",
                                   "--map", str(demo_map_path())])
    assert as_json.exit_code == 0, as_json.output
    rows = {(r["term"], r["service_id"]): r for r in map(json.loads,
                                                        as_json.output.splitlines())}
    assert rows[("man", "veilig-thuis")]["counts"] is False
    assert rows[("man", "veilig-thuis")]["held_back"] == "safety_service"
    assert rows[("man", "poh-ggz")]["counts"] is True
    assert rows[("man", "poh-ggz")]["held_back"] is None
    assert rows[("man", "poh-ggz")]["weight"] < 0.3 < rows[("alcohol", "poh-ggz")]["weight"]
    text = runner.invoke(main, ["route", "learned", "list", "--db", db_url,
                                "--map", str(demo_map_path())], env={"BUSBAAN_LANG": "nl"})
    assert "(gewicht 0." in text.output and "; tegen een veiligheidsdienst" in text.output


def test_writers_at_once_lose_no_vote_and_forget_misses_none(engine: Engine) -> None:
    """Each write puts the map's count rows down again (session 14, privacy18): six
    writers at once, and a `forget` of one term among them, lose no vote of another
    term and leave none of the forgotten one written before it; and (PostgreSQL) every
    row still carries the last write's transaction: the writers queue, none rewrites
    from rows another is replacing."""
    from concurrent.futures import ThreadPoolExecutor

    from busbaan.routing.learning import source_key

    repo = LearnedRepository(engine)
    repo.replace_source(MAP, source_key("F-0", "@anna:test", _P), [
        Evidence("vergeet", "welzijn-eenzaamheid", 1, "x")], _P)

    def write(n: int) -> int:
        source = source_key(f"F-{n}", f"@p{n}:test", _P)
        return repo.replace_source(MAP, source, _votes(source), _P)

    with ThreadPoolExecutor(max_workers=6) as pool:
        written = list(pool.map(write, range(1, 13)))
        assert repo.forget("vergeet") == 1
    assert written == [2] * 12
    counted = {(r.term, r.net, r.sources) for r in repo.summary(MAP)}
    assert counted == {("eenzam", 12, 12), ("weduwnar", 12, 12)}
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT count(DISTINCT xmin::text) FROM route_learned_count").scalar() == 1
