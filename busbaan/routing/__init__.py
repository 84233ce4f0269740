"""The social map and the wegwijzer's routing core (pure: no network, no database).

Load an Open Referral HSDS 3.0 map, check it, and answer "where do I take this?"::

    from busbaan.routing import Router, load_map

    router = Router(load_map("amsterdam.hsds.json"))
    answer = router.route("cliënt (58) in Zuidoost, energieschuld", {"stadsdeel": None})
    answer.confident, [(r.service_id, r.score) for r in answer.results]

Scores are integers per mille; ``answer.confident`` is False when the best score is
below ``answer.threshold``: the router does not know and says so. (Since issue 8 the
comparison is of the calibrated ``answer.confidence``, per mille; a safety signal puts
the safety service first and is confident by rule.)
"""

from busbaan.routing.context import known_stadsdeel
from busbaan.routing.hsds import SocialMapError, demo_map_path, load_map, parse_map, validate_map
from busbaan.routing.lexicon import STADSDELEN
from busbaan.routing.model import MapProblem, Organization, Service, SocialMap
from busbaan.routing.router import (
    DEFAULT_THRESHOLD,
    MAX_QUESTION_CHARS,
    Exclusion,
    RouteAnswer,
    Router,
    RouteResult,
    Tuning,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_QUESTION_CHARS",
    "STADSDELEN",
    "Exclusion",
    "MapProblem",
    "Organization",
    "RouteAnswer",
    "RouteResult",
    "Router",
    "Service",
    "SocialMap",
    "SocialMapError",
    "Tuning",
    "demo_map_path",
    "known_stadsdeel",
    "load_map",
    "parse_map",
    "validate_map",
]
