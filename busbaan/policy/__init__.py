"""Policies: organisations, roles, data categories, legal bases, lawful combinations,
consent templates and limits, loaded from versioned YAML into frozen objects."""

from busbaan.policy.loader import PolicyError, Problem, load_policy, parse_policy
from busbaan.policy.model import (
    ConsentTemplate,
    DataCategory,
    LawfulRule,
    LegalBasis,
    Limits,
    Organisation,
    Policy,
    Role,
    TemplateGrant,
)

__all__ = [
    "ConsentTemplate",
    "DataCategory",
    "LawfulRule",
    "LegalBasis",
    "Limits",
    "Organisation",
    "Policy",
    "PolicyError",
    "Problem",
    "Role",
    "TemplateGrant",
    "load_policy",
    "parse_policy",
]
