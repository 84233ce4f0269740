"""Fixtures for the routing tests: the benchmark map and its questions (tests/data)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from routing_testdata import BENCHMARK_MAP

from busbaan.routing import Router, SocialMap, Tuning, load_map
from busbaan.routing.safety import SafetySignals, load_signals


@pytest.fixture(scope="session")
def benchmark_map() -> SocialMap:
    return load_map(BENCHMARK_MAP)


@pytest.fixture(scope="session")
def _benchmark_routers() -> dict[tuple[tuple[str, Any], ...], Router]:
    """The benchmark routers built in this session, by their changes to :class:`Tuning`
    (``()``: the shipped one, shared by ``router`` and ``tuned()``)."""
    return {}


@pytest.fixture(scope="session")
def router(benchmark_map: SocialMap,
           _benchmark_routers: dict[tuple[tuple[str, Any], ...], Router]) -> Router:
    if () not in _benchmark_routers:
        _benchmark_routers[()] = Router(benchmark_map)
    return _benchmark_routers[()]


@pytest.fixture(scope="session")
def tuned(benchmark_map: SocialMap,
          _benchmark_routers: dict[tuple[tuple[str, Any], ...], Router],
          ) -> Callable[..., Router]:
    """``tuned(frame_weight=1.0)`` → the benchmark router with these fields of the shipped
    :class:`Tuning` changed (and the shipped safety file and examples), built once per
    session for each change: a router costs seconds to build, and several tests
    contrast the same setting (a router's state after building is only memoised).
    ``tuned()`` is the ``router`` fixture's router (session 17: built once, not twice)."""
    built = _benchmark_routers

    def make(**changes: Any) -> Router:
        key = tuple(sorted(changes.items()))
        if key not in built:
            built[key] = Router(benchmark_map, tuning=dataclasses.replace(Tuning(), **changes))
        return built[key]

    return make


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
