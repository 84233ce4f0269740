"""``busbaan witness``: a witness for other logs' checkpoints (c2sp.org/tlog-witness).

Run it on a host the audit log's administrators do not control (another
organisation's, the privacy officer's): it remembers the newest checkpoint it cosigned
for each log and refuses any that does not extend it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import click

from busbaan.errors import UsageError
from busbaan.log import configure


@click.group()
def witness() -> None:
    """A witness that cosigns checkpoints of audit logs it knows."""
    # Log lines go to stderr, so that standard output stays data (the printed key).
    configure(os.environ.get("BUSBAAN_LOG_LEVEL", "WARNING"))


@witness.command("key")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path),
              help="The witness's private key file (mode 0600).")
@click.option("--init", "init", is_flag=True, help="Create the key when it is missing.")
@click.option("--name", default=None, help="The witness's name, with --init "
              "(e.g. witness.example.org/w1).")
def key_cmd(key_path: Path, init: bool, name: str | None) -> None:
    """Print the witness's public key (to pin in the verifier's configuration)."""
    from busbaan.audit.keys import load_cosigner, load_or_create_cosigner

    if init:
        if not name:
            raise UsageError("Geef --name bij --init.", "Pass --name with --init.")
        cosigner = load_or_create_cosigner(key_path, name)[0]
    else:
        cosigner = load_cosigner(key_path)
    click.echo(cosigner.verifier.vkey)


@witness.command("serve")
@click.option("--key", "key_path", required=True, type=click.Path(path_type=Path))
@click.option("--state", "state_path", required=True, type=click.Path(path_type=Path),
              help="Where the witness keeps the newest checkpoint of each log.")
@click.option("--log", "log_keys", multiple=True, required=True, metavar="VKEY|FILE",
              help="A log's public key (its name is the log's origin); repeatable.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=int)
@click.option("--log-level", default="INFO", show_default=True)
def serve(key_path: Path, state_path: Path, log_keys: tuple[str, ...], host: str, port: int,
          log_level: str) -> None:
    """Serve add-checkpoint and the monitoring API until SIGINT/SIGTERM."""
    from aiohttp import web

    from busbaan.audit.keys import load_cosigner, load_verifier
    from busbaan.audit.witness_server import Witness, WitnessStore, create_witness_app

    configure(log_level)
    cosigner = load_cosigner(key_path)
    logs: dict[str, list[object]] = {}
    for text in log_keys:
        verifier = load_verifier(text)
        logs.setdefault(verifier.name, []).append(verifier)
    witness = Witness(cosigner, logs, WitnessStore(state_path))  # type: ignore[arg-type]

    async def run() -> None:
        runner = web.AppRunner(create_witness_app(witness))
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        click.echo(f"busbaan witness {cosigner.name}: http://{host}:{port}", err=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(run())
