"""Errors of the audit log that are not about one input (those live with the input)."""

from __future__ import annotations

from busbaan.errors import BusbaanError

__all__ = ["AuditIntegrityError"]


class AuditIntegrityError(BusbaanError):
    """The stored log contradicts itself or a signed checkpoint; nothing is signed."""

    errcode = "BB_AUDIT_INTEGRITY"
