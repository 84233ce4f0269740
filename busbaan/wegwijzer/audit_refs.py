"""How the wegwijzer's audit entries name its objects (pure; session 11, privacy13).

NEN 7513 asks who did what, when, on which object. Until session 11 the entries
``route.feedback``, ``lane.opened/answered/closed/reminded`` and ``route.learned`` named
the object by its id (``answer_id``, ``lane_id``, the lane's ``room_id``, the learned
``source_id``) beside the professional's Matrix ID; with the wegwijzer's tables in the
same database that one entry tied the professional to their pseudonym and so to every
answer they had asked for (privacy12's finding). Now these entries name the object by a
keyed reference (:meth:`busbaan.pseudonyms.Pseudonyms.audit_ref`: ``answer_ref``,
``lane_ref``, ``feedback_ref``, 16 hex) and the key it was made under
(``pseudonym_key``, the fingerprint). Without the key nothing in any table equals it;
the privacy officer with the key computes it for an answer or lane
(``busbaan keys investigate``, audited). The entry stays an entry of the tamper-evident
log like any other: only what goes into it changed, not how it is hashed.

One function builds these references for every caller (the bot, the CLI, the tests).
"""

from __future__ import annotations

from busbaan.pseudonyms import Pseudonyms

__all__ = ["REF_KEYS", "object_refs", "ref_kind"]

#: The detail keys of an object reference, by kind.
REF_KEYS = {"answer": "answer_ref", "lane": "lane_ref", "feedback": "feedback_ref"}


def ref_kind(object_id: str) -> str:
    """The kind of a wegwijzer id by its prefix (``A-``, ``L-``, ``F-``); ValueError
    otherwise."""
    kind = {"A": "answer", "L": "lane", "F": "feedback"}.get(object_id[:1])
    if kind is None or object_id[1:2] != "-":
        raise ValueError("not a wegwijzer answer, lane or feedback id")
    return kind


def object_refs(pseudonyms: Pseudonyms, *object_ids: str) -> dict[str, str]:
    """The details naming ``object_ids`` (answer, lane or feedback ids, each kind at most
    once) in an audit entry, with the key they are made under."""
    out = {"pseudonym_key": pseudonyms.fingerprint()}
    for object_id in object_ids:
        kind = ref_kind(object_id)
        out[REF_KEYS[kind]] = pseudonyms.audit_ref(kind, object_id)
    return out
