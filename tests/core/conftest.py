"""Shared fixtures for the pure core's unit tests: the shipped policy and its files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from busbaan.policy import Policy, load_policy

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
NOW = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The policy shipped in ``policies/``."""
    return load_policy(POLICY_DIR)


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    """A writable copy of ``policies/`` to break in a test."""
    target = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, target)
    return target
