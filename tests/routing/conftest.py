"""Fixtures for the routing tests: the benchmark map and its questions (tests/data)."""

from __future__ import annotations

from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP

from busbaan.routing import Router, SocialMap, demo_map_path, load_map
from busbaan.routing.safety import SafetySignals, load_signals


@pytest.fixture(scope="session")
def benchmark_map() -> SocialMap:
    return load_map(BENCHMARK_MAP)


@pytest.fixture(scope="session")
def router(benchmark_map: SocialMap) -> Router:
    return Router(benchmark_map)


@pytest.fixture(scope="session")
def demo_router() -> Router:
    """The router the wegwijzer bot builds in `make dev` (shipped map, shipped examples)."""
    return Router(load_map(demo_map_path()))


@pytest.fixture(scope="session")
def signals() -> SafetySignals:
    """The shipped safety signals file."""
    return load_signals()


@pytest.fixture
def raw_map() -> dict[str, Any]:
    """A small valid HSDS map to break in tests."""
    return {
        "hsds_version": "3.0",
        "organizations": [{"id": "org", "name": "Organisatie", "description": "x"}],
        "taxonomy_terms": [{"id": "t1", "name": "Schulden", "description": "Schulden"}],
        "locations": [{"id": "loc", "name": "Locatie"}],
        "services": [
            {
                "id": "svc",
                "organization_id": "org",
                "name": "Schuldhulp",
                "status": "active",
                "description": "Hulp bij schulden.",
                "minimum_age": 18,
                "attributes": [{"id": "a1", "taxonomy_term_id": "t1"}],
                "service_areas": [{"id": "sa", "name": "Noord"}],
                "x_matrix_room": "#intake-svc:localhost",
            },
            {
                "id": "svc2",
                "organization_id": "org",
                "name": "Voedselbank",
                "status": "active",
                "description": "Voedselpakket voor wie te weinig leefgeld heeft.",
                "phones": [{"id": "p", "number": "020 555 0000"}],
            },
        ],
        "service_at_locations": [{"id": "sal", "service_id": "svc", "location_id": "loc"}],
    }
