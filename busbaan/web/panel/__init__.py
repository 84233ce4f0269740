"""The case panel in Element (issue 10, item 6): the same track-and-trace facts the
citizen sees, for the professionals in a case room, as a room widget served by the web
app. Each new case room gets the widget (state event ``im.vector.modular.widgets``).

Authentication is the widget OpenID flow: the widget asks Element for an OpenID token
(widget API ``get_openid``), posts it to ``/casus/paneel/sessie``; the server checks
the token's *audience* — its ``matrix_server_name`` must be a homeserver this busbaan
trusts, and the user id the homeserver returns must belong to that same server — then
asks that homeserver (``/_matrix/federation/v1/openid/userinfo``) whose token it is,
and shows the panel only to someone ``decide`` lets stay in the room.
"""

from busbaan.web.panel.routes import PANEL_PATH, add_routes, widget_content

__all__ = ["PANEL_PATH", "add_routes", "widget_content"]
