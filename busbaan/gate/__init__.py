"""The homeserver gate (a Synapse module). Imports no asyncio, aiohttp or nio."""

from busbaan.gate.module import BusbaanGate, GateConfig

__all__ = ["BusbaanGate", "GateConfig"]
