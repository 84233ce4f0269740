"""The citizen side's repository: links, proposals, and the facts of a case for the
"Mijn hulpvraag" page (sync; async callers use ``asyncio.to_thread``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from busbaan.citizen.links import LinkState
from busbaan.citizen.model import CaseFacts, EarlierLead, Proposal
from busbaan.citizen.rules import GrantHistory
from busbaan.consent.model import Professional
from busbaan.store.citizen_models import CitizenLinkRow, ConsentProposalRow
from busbaan.store.models import CaseRow, DirectoryRow, GrantRow, HandoverRow
from busbaan.store.repositories import _aware, _grant, _naive, _writing, new_id

if TYPE_CHECKING:
    from busbaan.audit.storage import AuditLog

__all__ = ["CitizenRepository", "StoredLink"]


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    return _aware(when)


class StoredLink:
    """A link row as the web layer needs it (state + code hash + contact)."""

    __slots__ = ("code_hash", "contact", "created_by", "state")

    def __init__(self, row: CitizenLinkRow, case_closed: bool) -> None:
        self.state = LinkState(
            link_id=row.link_id, case_id=row.case_id,
            expires_at=_utc(row.expires_at),  # type: ignore[arg-type]
            attempts=row.attempts, used_at=_utc(row.used_at), revoked_at=_utc(row.revoked_at),
            locked_at=_utc(row.locked_at), case_closed=case_closed)
        self.code_hash = row.code_hash
        self.contact = row.contact
        self.created_by = row.created_by


def _proposal(row: ConsentProposalRow) -> Proposal:
    return Proposal(
        proposal_id=row.proposal_id, case_id=row.case_id, organisation=row.organisation,
        roles=tuple(row.roles), categories=tuple(row.categories),
        legal_bases=tuple(row.legal_bases),
        valid_until=_utc(row.valid_until),  # type: ignore[arg-type]
        proposed_by=row.proposed_by,
        proposed_at=_utc(row.proposed_at),  # type: ignore[arg-type]
        status=row.status, decided_at=_utc(row.decided_at), grant_id=row.grant_id,
        receipt=row.receipt)


class CitizenRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- links ------------------------------------------------------------------------

    def add_link(self, *, case_id: str, token_hash: str, code_hash: str, created_by: str,
                 now: dt.datetime, expires_at: dt.datetime, contact: str = "") -> str:
        link_id = new_id("L")
        with Session(self._engine) as s, s.begin():
            s.add(CitizenLinkRow(link_id=link_id, case_id=case_id, token_hash=token_hash,
                                 code_hash=code_hash, contact=contact, created_by=created_by,
                                 created_at=_naive(now), expires_at=_naive(expires_at)))
        return link_id

    def link(self, token_hash: str) -> StoredLink | None:
        with Session(self._engine) as s:
            row = s.exec(select(CitizenLinkRow)
                         .where(CitizenLinkRow.token_hash == token_hash)).first()
            if row is None:
                return None
            case = s.get(CaseRow, row.case_id)
            return StoredLink(row, case is None or case.status == "closed")

    def record_attempt(self, link_id: str, attempts: int, *, lock_at: dt.datetime | None) -> bool:
        """Store a wrong code's count (and the lock); False when another request moved
        the count first (then the caller reads again)."""
        with Session(self._engine) as s, s.begin():
            result = s.execute(
                update(CitizenLinkRow)
                .where(col(CitizenLinkRow.link_id) == link_id,
                       col(CitizenLinkRow.attempts) == attempts - 1,
                       col(CitizenLinkRow.locked_at).is_(None))
                .values(attempts=attempts,
                        locked_at=_naive(lock_at) if lock_at is not None else None))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def use(self, link_id: str, now: dt.datetime) -> bool:
        """Mark the link used (once); False when it was used, revoked or locked meanwhile."""
        with Session(self._engine) as s, s.begin():
            result = s.execute(
                update(CitizenLinkRow)
                .where(col(CitizenLinkRow.link_id) == link_id,
                       col(CitizenLinkRow.used_at).is_(None),
                       col(CitizenLinkRow.revoked_at).is_(None),
                       col(CitizenLinkRow.locked_at).is_(None))
                .values(used_at=_naive(now)))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke_all(self, case_id: str, *, by: str, now: dt.datetime) -> list[str]:
        """Revoke every link of the case not yet revoked; the ids revoked. Sessions
        started from them end at their next request (``CitizenSessions.get``)."""
        with Session(self._engine) as s, s.begin():
            rows = list(s.exec(select(CitizenLinkRow).where(
                CitizenLinkRow.case_id == case_id, col(CitizenLinkRow.revoked_at).is_(None))))
            for r in rows:
                r.revoked_at = _naive(now)
                r.revoked_by = by
            return [r.link_id for r in rows]

    def link_revoked(self, link_id: str) -> bool:
        with Session(self._engine) as s:
            row = s.get(CitizenLinkRow, link_id)
            return row is None or row.revoked_at is not None

    # -- proposals ----------------------------------------------------------------------

    def add_proposal(self, p: Proposal) -> None:
        with Session(self._engine) as s, s.begin():
            s.add(ConsentProposalRow(
                proposal_id=p.proposal_id, case_id=p.case_id, organisation=p.organisation,
                roles=list(p.roles), categories=list(p.categories),
                legal_bases=list(p.legal_bases), valid_until=_naive(p.valid_until),
                proposed_by=p.proposed_by, proposed_at=_naive(p.proposed_at)))

    def proposal(self, proposal_id: str) -> Proposal | None:
        with Session(self._engine) as s:
            row = s.get(ConsentProposalRow, proposal_id)
            return _proposal(row) if row is not None else None

    def proposals(self, case_id: str) -> list[Proposal]:
        with Session(self._engine) as s:
            rows = s.exec(select(ConsentProposalRow)
                          .where(ConsentProposalRow.case_id == case_id)
                          .order_by(col(ConsentProposalRow.proposed_at)))
            return [_proposal(r) for r in rows]

    def decide(self, proposal_id: str, *, status: str, now: dt.datetime,
               grant_id: str | None, receipt: str) -> bool:
        """Record the citizen's decision once; False when it was decided already."""
        with Session(self._engine) as s, s.begin():
            result = s.execute(
                update(ConsentProposalRow)
                .where(col(ConsentProposalRow.proposal_id) == proposal_id,
                       col(ConsentProposalRow.status) == "proposed")
                .values(status=status, decided_at=_naive(now), grant_id=grant_id,
                        receipt=receipt))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def grant_exists(self, grant_id: str) -> bool:
        with Session(self._engine) as s:
            return s.get(GrantRow, grant_id) is not None

    def close_proposals(self, case_id: str, now: dt.datetime, *,
                        session: Session | None = None) -> int:
        """Withdraw the case's proposals still waiting for the citizen (when the case
        closes: in the case service's transaction); how many."""
        with _writing(self._engine, session) as s:
            result = s.execute(update(ConsentProposalRow)
                      .where(col(ConsentProposalRow.case_id) == case_id,
                             col(ConsentProposalRow.status) == "proposed")
                      .values(status="withdrawn", decided_at=_naive(now)))
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- the page's facts -------------------------------------------------------------

    def facts(self, case_id: str, history: Sequence[tuple[int, object]] = (), *,
              log: AuditLog | None = None) -> CaseFacts | None:
        """Everything the page shows, in one transaction on one connection, in five
        queries: the case with its regie's directory entry and the contact the regie
        gave; the grants; the proposals; the accepted handovers; and, with ``log``
        (the audit log in this same database), the case's audit entries. Without
        ``log``, ``history`` is used. None: no such case."""
        contact = (select(CitizenLinkRow.contact)
                   .where(CitizenLinkRow.case_id == CaseRow.case_id,
                          CitizenLinkRow.created_by == CaseRow.regie,
                          col(CitizenLinkRow.contact) != "")
                   .order_by(col(CitizenLinkRow.created_at).desc()).limit(1)
                   .scalar_subquery())
        with Session(self._engine) as s, s.begin():
            first = s.exec(select(CaseRow, DirectoryRow, contact)
                           .outerjoin(DirectoryRow,
                                      col(DirectoryRow.user_id) == col(CaseRow.regie))
                           .where(CaseRow.case_id == case_id)).first()
            if first is None:
                return None
            case, d, contact_text = first
            regie = (Professional(user_id=d.user_id, organisation=d.organisation, role=d.role,
                                  team=d.team, display_name=d.display_name)
                     if d is not None else None)
            grants = [GrantHistory(_grant(r), r.withdrawal_channel) for r in s.exec(
                select(GrantRow).where(GrantRow.case_id == case_id)
                .order_by(col(GrantRow.valid_from)))]
            proposals = [_proposal(r) for r in s.exec(
                select(ConsentProposalRow).where(ConsentProposalRow.case_id == case_id)
                .order_by(col(ConsentProposalRow.proposed_at)))]
            earlier = [EarlierLead(h.from_organisation, _utc(h.decided_at))  # type: ignore[arg-type]
                       for h in s.exec(select(HandoverRow).where(
                           HandoverRow.case_id == case_id, HandoverRow.status == "accepted")
                           .order_by(col(HandoverRow.decided_at)))
                       if h.decided_at is not None]
            if log is not None:
                history = [(e.index, e.entry)
                           for e in log.case_entries(s.connection(), case_id)]
            return CaseFacts(
                case_id=case.case_id, closed=case.status == "closed",
                home_organisation=case.home_organisation, regie=regie,
                regie_since=_utc(case.regie_since),  # type: ignore[arg-type]
                contact=contact_text or None,
                earlier=tuple(earlier), grants=tuple(grants), proposals=tuple(proposals),
                history=tuple(history))  # type: ignore[arg-type]
