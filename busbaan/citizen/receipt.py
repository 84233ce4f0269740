"""The consent receipt: what the citizen decided, in the fields of ISO/IEC TS 27560
(consent record), signed with the service key as a C2SP signed note (pure).

The body is canonical JSON (sorted keys, UTF-8) followed by a newline; the signature
lines follow a blank line, exactly as the audit checkpoints, so the same verifier
(:func:`busbaan.audit.checkpoint.open_note`) checks it. No names: the data subject
is the pseudonymous case id.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from busbaan.audit.checkpoint import Signer, sign_note
from busbaan.citizen.model import Proposal
from busbaan.policy import Policy

__all__ = ["SCHEMA", "receipt_body", "sign_receipt"]

SCHEMA = "ISO/IEC TS 27560:2023 consent record (busbaan profile 1)"


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def receipt_body(policy: Policy, proposal: Proposal, *, decision: str, at: dt.datetime,
                 controller: str, record_id: str) -> dict[str, Any]:
    """The record's fields; ``decision`` is ``given`` or ``refused``."""
    org = policy.organisation(proposal.organisation)
    home = policy.organisation(controller)
    categories = []
    for cat_id in proposal.categories:
        cat = policy.category(cat_id)
        categories.append({"id": cat_id, "name": cat.name if cat else cat_id,
                           "special": bool(cat and cat.special)})
    bases = []
    for basis_id in proposal.legal_bases:
        basis = policy.legal_basis(basis_id)
        bases.append({"id": basis_id, "article": basis.article if basis else "",
                      "dpv": (basis.dpv or "") if basis else ""})
    return {
        "schema": SCHEMA,
        "record_id": record_id,
        "data_subject": {"id": f"case:{proposal.case_id}", "kind": "pseudonymous case"},
        "purpose": "Samenwerken aan uw hulpvraag (sociaal domein)",
        "purpose_en": "Working together on your request for help (social domain)",
        "legal_basis": bases,
        "personal_data_categories": categories,
        "controllers": [{"id": controller, "name": home.name if home else controller}],
        "recipients": [{"id": proposal.organisation, "name": org.name if org else
                        proposal.organisation, "roles": list(proposal.roles)}],
        "collection_method": "web form 'Mijn hulpvraag' (busbaan), by the data subject",
        "consent_type": "explicit",
        "retention": {"until": _iso(proposal.valid_until),
                      "records_kept_years": policy.limits.audit_log_years},
        "jurisdiction": "NL",
        "withdrawal_method": "'Intrekken' on the page 'Mijn hulpvraag', or ask the lead "
                             "professional; effective at once",
        "proposal_id": proposal.proposal_id,
        "grant_id": proposal.grant_id,
        "events": [{"event": decision, "at": _iso(at), "by": "data subject",
                    "validity": {"from": _iso(at), "until": _iso(proposal.valid_until)}
                    if decision == "given" else None}],
        "policy_version": policy.version,
    }


def sign_receipt(body: dict[str, Any], signer: Signer) -> str:
    """The signed note: canonical JSON of ``body``, a newline, the signature."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    return sign_note(text, signer)
