"""The service as a whole: signed checkpoints of the audit log."""

from __future__ import annotations

import asyncio

import pytest

from busbaan.audit.checkpoint import NoteError, Signer, open_note, parse_checkpoint
from busbaan.audit.keys import load_signer
from busbaan.service import Service

pytestmark = pytest.mark.synapse


async def test_service_signs_checkpoints_that_verify(service: Service) -> None:
    """The service signs checkpoints with its own key (mode 0600); the latest verifies
    with the public key, matches the log's root at that size, and a wrong key fails."""
    key = service.config.state_dir / "audit-signing.key"
    assert oct(key.stat().st_mode)[-3:] == "600"
    log = service.audit.log()
    before = await asyncio.to_thread(log.size)
    await service.checkpoint()  # on demand, as the periodic task does
    size, note = (await asyncio.to_thread(log.checkpoints))[-1]
    assert size >= before >= 1
    checkpoint = parse_checkpoint(open_note(note, load_signer(key).verifier))
    assert checkpoint.size == size
    assert checkpoint.root_hash == await asyncio.to_thread(log.root_at, size)
    with pytest.raises(NoteError):
        open_note(note, Signer.generate(load_signer(key).name).verifier)
