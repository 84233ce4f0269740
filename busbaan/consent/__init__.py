"""Consent scopes: grants, lawfulness and ``decide`` (pure)."""

from busbaan.consent.decide import (
    PROTECTED_STATE,
    Decision,
    decide,
    outside_scope,
    scope_admits,
)
from busbaan.consent.lawful import Violation, check_grant_lawful, check_grant_period
from busbaan.consent.model import Access, Action, CaseScope, Grant, Professional

__all__ = [
    "PROTECTED_STATE",
    "Access",
    "Action",
    "CaseScope",
    "Decision",
    "Grant",
    "Professional",
    "Violation",
    "check_grant_lawful",
    "check_grant_period",
    "decide",
    "outside_scope",
    "scope_admits",
]
