"""outside7 finding 12: a BSN in an example file stopped `make dev` only after Synapse
and the casus bot had started, with aiohttp's "Unclosed client session" lines. The
wegwijzer's files (map, safety signals, example questions) are now checked before
anything starts: one Dutch line, exit 2, no traceback. No Synapse is started here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from busbaan.cli import main
from busbaan.errors import UsageError
from busbaan.matrix.runner import BotAccount
from busbaan.routing.expansion import ENV_VAR
from busbaan.service import Service, ServiceConfig

ROOT = Path(__file__).resolve().parents[2]


def _examples_with_a_bsn(tmp_path: Path) -> Path:
    path = tmp_path / "voorbeelden.yaml"
    path.write_text('services:\n  schuldhulp:\n'
                    '    - "cliënt met bsn 111222333 heeft schulden bij de energie"\n',
                    encoding="utf-8")
    return path


@pytest.fixture
def no_synapse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting Synapse (or the federation) fails the test: the check must come first."""
    import busbaan.cli.dev_federated
    import busbaan.devstack

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Synapse was started before the wegwijzer's files were checked")

    monkeypatch.setattr(busbaan.devstack, "start_homeserver", refuse)
    monkeypatch.setattr(busbaan.cli.dev_federated, "start_federation", refuse)


def _dev(tmp_path: Path, *extra: str) -> Any:
    return CliRunner().invoke(main, ["dev", "--state-dir", str(tmp_path / "state"), *extra],
                              env={"BUSBAAN_LANG": "nl"})


@pytest.mark.parametrize("federated", [False, True])
def test_a_bsn_in_an_example_file_stops_dev_before_anything_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_synapse: None,
        federated: bool) -> None:
    monkeypatch.setenv(ENV_VAR, str(_examples_with_a_bsn(tmp_path)))
    result = _dev(tmp_path, *(["--federated"] if federated else []))
    assert result.exit_code == 2, result.output
    out = result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("busbaan: Voorbeeldvragen ") and "[BB_EXAMPLES]" in lines[0]
    assert "persoonsgegevens" in lines[0] and "services.schuldhulp[1]" in lines[0]
    assert "111222333" not in out and "Traceback" not in out and "Unclosed" not in out
    assert not (tmp_path / "state" / "busbaan.db").exists()  # not even the store


def test_a_broken_safety_file_stops_dev_before_anything_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_synapse: None) -> None:
    import busbaan.routing.safety

    broken = tmp_path / "safety.yaml"
    broken.write_text("families: [\n", encoding="utf-8")
    monkeypatch.setattr(busbaan.routing.safety, "default_path", lambda: broken)
    result = _dev(tmp_path)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("busbaan: Veiligheidssignalen ") and "BB_SAFETY_FILE" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


async def test_serve_checks_the_files_before_a_bot_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`busbaan serve` (Service.start) refuses the same way, before the casus bot starts
    (its homeserver here does not exist: reaching it would fail otherwise)."""
    monkeypatch.setenv(ENV_VAR, str(_examples_with_a_bsn(tmp_path)))
    url = "http://127.0.0.1:9"
    service = Service(ServiceConfig(
        homeserver=url, policy_dir=ROOT / "policies", state_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'busbaan.db'}", web_port=-1,
        audit_key_init=True, encryption=False,
        bots={name: BotAccount(name, url, f"@{name}:localhost", password="x")
              for name in ("casus", "wegwijzer")}))
    with pytest.raises(UsageError) as caught:
        await service.start()
    assert caught.value.errcode == "BB_EXAMPLES"
    assert service.runners == {} and service.casus is None
