"""The privacy officer's workbench (issue 4, items 4 and 5).

Plain HTML pages under ``/privacy/`` and a JSON API under ``/api/v1/privacy/`` for the
reports of the audit log: per case (AVG art. 15) with its timeline, per professional,
consents, exceptions, the art. 30 processing register, integrity status and downloads.
Only privacy officers (a role with ``privacy_officer: true`` in ``policies/``) get in;
they log in with their Matrix account; every use is itself written to the audit log.

``sessions``     server-side sessions (cookie holds only a random id)
``matrix_auth``  password login / OpenID checked against the homeserver
``filters``      report filters parsed and checked (pure)
``analysis``     consents, refusals per week, handover times, access per case (pure)
``charts``       inline SVG bar charts (pure)
``integrity``    verification in a thread, cached with its time
``export``       CSV / JSON Lines, streamed
``views``        what each page and API answer shows
``core``         the :class:`Workbench` state, CSRF, rendering, headers
``routes``       the handlers
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from busbaan.web.workbench.core import WORKBENCH, Workbench, WorkbenchConfig, security_headers
from busbaan.web.workbench.routes import add_routes

__all__ = ["WORKBENCH", "Workbench", "WorkbenchConfig", "setup_workbench"]


def setup_workbench(app: web.Application) -> None:
    """Register the workbench on ``app``; it runs when the app has a started service.

    Without a service (``create_app(policy)`` alone) the pages say the workbench is not
    available. Tests may also put their own :class:`Workbench` in ``app[WORKBENCH]``
    before the app starts.
    """
    from busbaan.web.app import POLICY, SERVICE  # app.py imports this module

    service = app[SERVICE]
    if service is not None and getattr(service, "engine", None) is not None:
        app[WORKBENCH] = Workbench(WorkbenchConfig.from_service(app[POLICY], service))
    add_routes(app)
    app.on_response_prepare.append(security_headers)
    app.cleanup_ctx.append(_owned)


async def _owned(app: web.Application) -> AsyncIterator[None]:
    """The workbench's tasks and client session end with the app."""
    yield
    wb = app.get(WORKBENCH)
    if wb is not None:
        await wb.close()
