"""The citizen's pages under ``/burger/`` (issue 10): the way in with a link and a
code, "Mijn hulpvraag", withdrawing and approving consent, receipts.

``sessions``  in-memory sessions, handled forms, a rate limiter
``actions``   the one adapter through which decisions reach the case (the casus bot)
``core``      the state owned by the app, audit records, rendering, headers
``routes``    the handlers

Login is a pluggable step (:class:`~busbaan.web.citizen.core.LoginStep`): the
embedded default is link + code; DigiD through the municipality's SAML/OIDC broker
plugs in as another step that ends, like this one, in ``CitizenWeb.start_session``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from busbaan.web.citizen.core import CITIZEN, CitizenWeb, security_headers
from busbaan.web.citizen.routes import add_routes

__all__ = ["CITIZEN", "CitizenWeb", "setup_citizen"]


def setup_citizen(app: web.Application) -> None:
    """Register the citizen pages; they work when the app has a started service."""
    from busbaan.web.app import POLICY, SERVICE

    service = app[SERVICE]
    if service is not None and getattr(service, "engine", None) is not None:
        app[CITIZEN] = CitizenWeb.from_service(app[POLICY], service)
    add_routes(app)
    app.on_response_prepare.append(security_headers)
    app.cleanup_ctx.append(_owned)


async def _owned(app: web.Application) -> AsyncIterator[None]:
    yield
