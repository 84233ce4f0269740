"""A witness for ``make dev`` and the tests: the busbaan witness server on loopback.

Its key (``witness/witness.key``, mode 0600) and memory (``witness/state.json``) live
under the dev state directory, so a restart keeps what it cosigned. ``make clean``
forgets both together with the database (a witness that outlives its log's database
refuses the new one: that is its job).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from busbaan.audit.checkpoint import Verifier
from busbaan.audit.cosign import Cosigner
from busbaan.audit.keys import load_or_create_cosigner
from busbaan.audit.witness_server import Witness, WitnessStore, create_witness_app

__all__ = ["DEV_WITNESS_NAME", "DevWitness", "start_dev_witness"]

DEV_WITNESS_NAME = "witness.localhost/dev"


@dataclass
class DevWitness:
    """A running witness: its URL, key and aiohttp runner."""

    url: str
    cosigner: Cosigner
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_dev_witness(directory: Path, logs: list[Verifier], *, port: int = 0,
                            name: str = DEV_WITNESS_NAME) -> DevWitness:
    """Start a witness that knows the logs of ``logs`` (origin = key name)."""
    import asyncio

    cosigner, _ = await asyncio.to_thread(load_or_create_cosigner,
                                          directory / "witness.key", name)
    store = await asyncio.to_thread(WitnessStore, directory / "state.json")
    witness = Witness(cosigner, {v.name: [v] for v in logs}, store)
    runner = web.AppRunner(create_witness_app(witness), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    server = site._server
    assert server is not None
    bound = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    return DevWitness(f"http://127.0.0.1:{bound}", cosigner, runner)
