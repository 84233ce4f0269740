"""``busbaan audit ...``: exit codes, messages in Dutch (English on request), streaming."""

from __future__ import annotations

import csv
import io
import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from structlog.testing import capture_logs

from busbaan.audit import AuditEntry, AuditLog
from busbaan.cli import main
from busbaan.store import make_engine, migrate
from tests.audit.tampering import drop_guards

MakeEntry = Callable[..., AuditEntry]
POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(autouse=True)
def _quiet_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI configures process-wide logging; keep the test session's as it is, and
    keep log lines out of the captured standard output."""
    monkeypatch.setattr("busbaan.cli.audit.configure_logging", lambda *a, **k: None)
    with capture_logs():
        yield


@pytest.fixture
def cli_db(tmp_path: Path, make_entry: MakeEntry) -> Iterator[str]:
    """A SQLite store with 30 entries; case-0 entries carry personal details."""
    url = f"sqlite:///{tmp_path / 'busbaan.db'}"
    migrate(url)
    engine = make_engine(url)
    items: list[AuditEntry | tuple[AuditEntry, dict[str, str] | None]] = []
    for i in range(30):
        overrides = {}
        if i % 10 == 3:
            overrides = {"event_code": "gate.refused", "outcome": "refused",
                         "reason_code": "BB_FORBIDDEN"}
        elif i % 10 == 4:
            overrides = {"event_code": "consent.granted", "grant_id": f"g{i}"}
        elif i % 10 == 6:
            overrides = {"event_code": "breakglass.started",
                         "checks": {"authorised": "pass", "emergency": "yes"}}
        entry = make_entry(i, **overrides)
        items.append((entry, {"naam": "Jan Jansen"}) if entry.case_id == "case-0" else entry)
    AuditLog(engine).append_many(items)
    engine.dispose()
    yield url


def invoke(url: str, key: Path, *args: str, lang: str = "nl", stdin: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(main, ["audit", "--db", url, "--key", str(key), *args],
                         env={"BUSBAAN_LANG": lang}, input=stdin)


def pin(url: str, key: Path) -> str:
    """Create the key explicitly (--init) and return its public key, to pin."""
    result = invoke(url, key, "key", "--init")
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_checkpoint_with_init_creates_a_private_key_and_verify_passes(
        cli_db: str, tmp_path: Path) -> None:
    """'checkpoint --init' creates the key file with mode 0600 and prints a signed note
    over the entries and its marker; 'verify' with the pinned key exits 0."""
    key = tmp_path / "keys" / "audit.key"
    result = invoke(cli_db, key, "checkpoint", "--init")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert result.stdout.splitlines()[1] == "31"  # 30 entries and the checkpoint marker
    assert "\n\n— " in result.stdout
    verify = invoke(cli_db, key, "verify", "--vkey", invoke(cli_db, key, "key").stdout.strip())
    assert verify.exit_code == 0, verify.output
    assert "OK: 31 regels" in verify.stdout


def test_a_missing_key_is_not_created_silently(cli_db: str, tmp_path: Path) -> None:
    """Without --init, 'checkpoint' and 'key' refuse a missing key (exit 2, a message
    naming --init) and create nothing; 'verify' without a pinned key says how to pin."""
    key = tmp_path / "keys" / "audit.key"
    for args in (["checkpoint"], ["key"]):
        result = invoke(cli_db, key, *args)
        assert result.exit_code == 2, result.output
        assert "bestaat niet" in result.stderr and "--init" in result.stderr
        assert not key.exists()
    pin(cli_db, key)
    result = invoke(cli_db, key, "verify")
    assert result.exit_code == 2
    assert "Geen vastgepinde publieke sleutel" in result.stderr
    assert "No pinned public key" in invoke(cli_db, key, "verify", lang="en").stderr


def test_verify_fails_on_a_log_without_checkpoints_when_the_service_ran(
        cli_db: str, tmp_path: Path, make_entry: MakeEntry) -> None:
    """A log in which the service wrote entries but holds no checkpoint is not OK."""
    key = tmp_path / "audit.key"
    vkey = pin(cli_db, key)
    assert invoke(cli_db, key, "verify", "--vkey", vkey).exit_code == 0  # only entries
    engine = make_engine(cli_db)
    AuditLog(engine).append(make_entry(99, event_code="policy.loaded", source="service"))
    engine.dispose()
    result = invoke(cli_db, key, "verify", "--vkey", vkey)
    assert result.exit_code == 1, result.output
    assert "geen enkel controlepunt, terwijl de dienst heeft gedraaid" in result.stdout


def test_verify_remembers_and_refuses_fewer_checkpoints(cli_db: str, tmp_path: Path) -> None:
    """With a state file, deleting the newest checkpoint after a verify is caught
    (fewer, older); the state file is written only by an OK verify."""
    key = tmp_path / "audit.key"
    vkey = pin(cli_db, key)
    state = tmp_path / "verifier" / "state.json"
    invoke(cli_db, key, "checkpoint")
    invoke(cli_db, key, "checkpoint")
    ok = invoke(cli_db, key, "verify", "--vkey", vkey, "--state", str(state), "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True
    remembered = json.loads(state.read_text())
    assert (remembered["size"], remembered["checkpoints"]) == (32, 2)
    engine = make_engine(cli_db)
    drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_checkpoint WHERE size = 32"))
    engine.dispose()
    bad = invoke(cli_db, key, "verify", "--vkey", vkey, "--state", str(state))
    assert bad.exit_code == 1
    assert "minder controlepunten dan bij de vorige controle" in bad.stdout
    assert "ouder dan een eerder gezien controlepunt" in bad.stdout
    assert json.loads(state.read_text()) == remembered


def test_verify_names_the_first_bad_index_on_tampering(cli_db: str, tmp_path: Path) -> None:
    """After a row is changed, 'verify' exits 1 and names its index, in Dutch or English."""
    key = tmp_path / "audit.key"
    vkey = pin(cli_db, key)
    invoke(cli_db, key, "checkpoint")
    engine = make_engine(cli_db)
    drop_guards(engine)
    with engine.begin() as conn:
        leaf = bytes(conn.execute(sa.text("SELECT leaf FROM audit_entry WHERE idx = 3"))
                     .scalar_one())
        conn.execute(sa.text("UPDATE audit_entry SET leaf = :l WHERE idx = 3"),
                     {"l": leaf.replace(b"refused", b"allowed")})
    engine.dispose()
    result = invoke(cli_db, key, "verify", "--vkey", vkey)
    assert result.exit_code == 1
    assert "eerste foute index 3" in result.stdout
    english = invoke(cli_db, key, "verify", "--vkey", vkey, lang="en")
    assert english.exit_code == 1
    assert "first bad index 3" in english.stdout


def test_verify_with_the_wrong_public_key_fails(cli_db: str, tmp_path: Path) -> None:
    """Verifying against another log's public key exits 1 from index 0; the right one
    passes."""
    key, other = tmp_path / "a.key", tmp_path / "b.key"
    right = pin(cli_db, key)
    wrong = pin(cli_db, other)
    invoke(cli_db, key, "checkpoint")
    assert invoke(cli_db, tmp_path / "none", "verify", "--vkey", right).exit_code == 0
    result = invoke(cli_db, tmp_path / "none", "verify", "--vkey", wrong)
    assert result.exit_code == 1
    assert "eerste foute index 0" in result.stdout


def test_prove_prints_a_checkable_proof(cli_db: str, tmp_path: Path) -> None:
    """'prove N' prints JSON with the path, the root and the checkpoint it ends at."""
    key = tmp_path / "audit.key"
    invoke(cli_db, key, "checkpoint", "--init")
    result = invoke(cli_db, key, "prove", "7")
    assert result.exit_code == 0, result.output
    proof = json.loads(result.stdout)
    assert (proof["index"], proof["tree_size"], proof["verified"]) == (7, 31, True)
    assert proof["checkpoint"].splitlines()[1] == "31"
    assert proof["entry"]["index"] == 7
    smaller = json.loads(invoke(cli_db, key, "prove", "7", "--size", "8").stdout)
    assert smaller["tree_size"] == 8 and smaller["checkpoint"] is None


@pytest.mark.parametrize(("args", "needle"), [
    (["prove", "abc"], "moet een geheel getal"),
    (["prove", "99"], "valt buiten"),
    (["prove", "1", "--size", "-3"], "geheel getal"),
    (["export", "--format", "xml"], "Onbekend formaat 'xml'"),
    (["export", "--since", "2026-13-01"], "Ongeldige datum '2026-13-01' bij --since"),
    (["export", "--until", "morgen"], "bij --until"),
    (["export", "--since", "2026-02-01", "--until", "2026-01-01"], "periode is leeg"),
    (["report", "citizen", "nope"], "kent casus nope niet"),
    (["report", "professional", "@nobody:x"], "kent professional"),
    (["register", "--policies", "/does/not/exist"], "bestaat niet"),
])
def test_bad_input_gives_a_dutch_message_and_exit_2(
    cli_db: str, tmp_path: Path, args: list[str], needle: str
) -> None:
    """Malformed or unknown input: a clear Dutch message, exit code 2, no traceback."""
    result = invoke(cli_db, tmp_path / "k", *args)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output


def test_bad_input_in_english(cli_db: str, tmp_path: Path) -> None:
    """With BUSBAAN_LANG=en the same errors come in English."""
    result = invoke(cli_db, tmp_path / "k", "export", "--since", "gisteren", lang="en")
    assert result.exit_code == 2
    assert "Invalid date 'gisteren' for --since" in result.stderr


def test_an_unmigrated_database_is_explained(tmp_path: Path) -> None:
    """A store without the audit tables says to run 'busbaan db migrate'."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = invoke(url, tmp_path / "k", "verify")
    assert result.exit_code == 2
    assert "busbaan db migrate" in result.stderr


def test_export_jsonl_and_csv_with_filters(cli_db: str, tmp_path: Path) -> None:
    """Exports hold exactly the filtered entries, as JSON Lines or as CSV."""
    lines = invoke(cli_db, tmp_path / "k", "export").stdout.splitlines()
    assert [json.loads(line)["index"] for line in lines] == list(range(30))
    case = invoke(cli_db, tmp_path / "k", "export", "--case", "case-1").stdout.splitlines()
    assert [json.loads(line)["index"] for line in case] == [1, 6, 11, 16, 21, 26]
    assert all("personal" not in line and "Jan" not in line for line in lines)
    result = invoke(cli_db, tmp_path / "k", "export", "--format", "csv",
                    "--user", "@prof2:buurtteam.busbaan.example",
                    "--since", "2026-01-05T10:10", "--until", "2026-01-05")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(r["index"]) for r in rows] == [10, 14, 18, 22, 26]
    assert rows[0]["checks"] == "authorised=pass;consent=pass"


def test_reports_and_erasure(cli_db: str, tmp_path: Path) -> None:
    """The citizen report shows details until 'erase' shreds them; 'verify' still passes."""
    key = tmp_path / "audit.key"
    vkey = pin(cli_db, key)
    invoke(cli_db, key, "checkpoint")
    before = invoke(cli_db, key, "report", "citizen", "case-0")
    assert before.exit_code == 0, before.output
    assert "naam: Jan Jansen" in before.stdout
    assert "NOODTOEGANG" not in before.stdout  # case-0 has no break-glass entry

    refused = invoke(cli_db, key, "erase", "case-0", stdin="n\n")
    assert refused.exit_code == 2
    erased = invoke(cli_db, key, "erase", "case-0", "--yes", "--by", "@fg:fg.example")
    assert erased.exit_code == 0, erased.output
    assert "Vastgelegd als regel 31" in erased.stdout
    # cli_db holds no case tables' rows: the store's reasons are scrubbed, none here
    assert "Vrije tekst overschreven: 0 gebeurtenis(sen) in de outbox, 0 reden(en) van " \
        "overdrachten." in erased.stdout
    after = invoke(cli_db, key, "report", "citizen", "case-0", "--json")
    data = json.loads(after.stdout)
    assert data["details_erased"] is True
    assert "Jan Jansen" not in after.stdout
    assert data["entries"][-1]["event_code"] == "audit.details_erased"
    assert invoke(cli_db, key, "verify", "--vkey", vkey).exit_code == 0


def test_professional_consent_and_exception_reports(cli_db: str, tmp_path: Path) -> None:
    """Per professional, per consent and per exception the reports list the right
    entries and count them."""
    key = tmp_path / "k"
    prof = invoke(cli_db, key, "report", "professional", "@prof1:buurtteam.busbaan.example",
                  "--json")
    assert json.loads(prof.stdout)["as_actor"] == 8
    consents = invoke(cli_db, key, "report", "consents", "--json").stdout.splitlines()
    assert [json.loads(c)["grant_id"] for c in consents] == ["g4", "g14", "g24"]
    exceptions = json.loads(invoke(cli_db, key, "report", "exceptions", "--json").stdout)
    assert exceptions["summary"]["by_kind"] == {"refused": 3, "breakglass": 3}
    text = invoke(cli_db, key, "report", "exceptions", lang="en").stdout
    assert "Total: 6" in text and "EMERGENCY ACCESS" in text


def test_register_from_the_policies(tmp_path: Path) -> None:
    """The art. 30 register lists each organisation with its legal bases and categories;
    a malformed policy file is named."""
    result = invoke("sqlite:///unused.db", tmp_path / "k", "register", "--policies",
                    str(POLICIES))
    assert result.exit_code == 0, result.output
    assert "# Verwerkingsregister (AVG art. 30)" in result.stdout
    assert "(`schuldhulp`)" in result.stdout
    assert "Wet gemeentelijke schuldhulpverlening" in result.stdout
    data = json.loads(invoke("sqlite:///unused.db", tmp_path / "k", "register",
                             "--policies", str(POLICIES), "--format", "json").stdout)
    assert {c["organisation"] for c in data["controllers"]} >= {"wmo", "ggd", "inkomen"}
    bad = tmp_path / "policies"
    bad.mkdir()
    (bad / "organisations.yaml").write_text("organisations: [ {id: a\n")
    broken = invoke("sqlite:///unused.db", tmp_path / "k", "register", "--policies", str(bad))
    assert broken.exit_code == 2
    assert "organisations.yaml" in broken.stderr


def test_verify_with_a_configuration_lists_what_is_not_yet_witnessed(
        cli_db: str, tmp_path: Path) -> None:
    """With a witness that is down, 'verify --config' still passes, says the witness
    cannot be reached and lists the checkpoint that is not yet witnessed; --offline does
    not ask; a broken configuration is a clear error."""
    from busbaan.audit.cosign import Cosigner
    from busbaan.devstack.synapse import free_port

    key = tmp_path / "audit.key"
    vkey = pin(cli_db, key)
    invoke(cli_db, key, "checkpoint")
    config = tmp_path / "verify.yaml"
    config.write_text(
        f"log_key: {vkey}\nwitnesses:\n"
        f"  - key: {Cosigner.generate('w.test/1').verifier.vkey}\n"
        f"    url: http://127.0.0.1:{free_port()}\nstate_file: state.json\n")
    result = invoke(cli_db, key, "verify", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "Getuige w.test/1: medeondertekend t/m grootte -; eigen kopie: niet bereikbaar." \
        in result.stdout
    assert "Nog niet getuigd (1 nodig): 1 controlepunt(en), grootte 31." in result.stdout
    assert (tmp_path / "state.json").exists()
    offline = invoke(cli_db, key, "verify", "--config", str(config), "--offline", lang="en")
    assert "its own copy: not asked." in offline.stdout
    config.write_text("log_key: [1, 2]\n")
    broken = invoke(cli_db, key, "verify", "--config", str(config))
    assert broken.exit_code == 2 and "veld 'log_key'" in broken.stderr
