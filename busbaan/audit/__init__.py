"""The tamper-evident audit log (issue 4).

``entry``      the NEN 7513-shaped :class:`AuditEntry` and its canonical leaf bytes (pure)
``merkle``     RFC 6962 hashing, inclusion and consistency proofs (pure)
``checkpoint`` C2SP signed-note checkpoints, Ed25519 (pure)
``keys``       the signing key file (mode 0600)
``shred``      per-case sealing of personal details, for crypto-shredding (pure)
``storage``    the tables and the :class:`AuditLog` repository
``reports``    citizen, professional, consent and exception reports; the art. 30 register
"""

from busbaan.audit.checkpoint import Checkpoint, NoteError, Signer, Verifier
from busbaan.audit.entry import AuditEntry, InvalidEntry
from busbaan.audit.storage import (
    AuditIntegrityError,
    AuditLog,
    ConsistencyProof,
    Erasure,
    InclusionProof,
    LoggedEntry,
    Problem,
    VerifyReport,
)

__all__ = [
    "AuditEntry",
    "AuditIntegrityError",
    "AuditLog",
    "Checkpoint",
    "ConsistencyProof",
    "Erasure",
    "InclusionProof",
    "InvalidEntry",
    "LoggedEntry",
    "NoteError",
    "Problem",
    "Signer",
    "Verifier",
    "VerifyReport",
]
