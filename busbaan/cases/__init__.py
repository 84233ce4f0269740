"""The case service and its mirrors: one truth per case.

- :class:`CaseService` (``service.py``): the only writer of cases, grants, accesses and
  handovers; each command is one transaction that also stores typed events
  (:mod:`busbaan.events`) in the outbox.
- :class:`AuditMirror`, :class:`RoomStateMirror` (``mirrors.py``): drain the outbox
  into the audit log (exactly once per event) and into the case rooms' state
  (desired state from the store, diffed, retried until it holds).

See docs/architecture.md, "One truth per case".
"""

from busbaan.cases.mirrors import AuditMirror, RoomStateMirror, desired_state
from busbaan.cases.service import CASE_ID, CaseService, is_case_id

__all__ = ["CASE_ID", "AuditMirror", "CaseService", "RoomStateMirror", "desired_state",
           "is_case_id"]
