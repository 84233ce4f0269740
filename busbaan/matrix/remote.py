"""What a failed request about someone on another homeserver means, in plain words.

Synapse answers a client whose request needs another server with its own English text:
"Federation denied with X." (X is not in the closed federation,
``federation_domain_whitelist``) or "Can't connect to server X" (X is down, or shows a
certificate the federation's CA did not sign: Synapse cannot tell its client which).
:func:`remote_failure` turns those into errors the bots can show (pure; no I/O).
"""

from __future__ import annotations

from busbaan.errors import BusbaanError, Forbidden, Unavailable
from busbaan.matrix.errors import MatrixError

#: Synapse's texts (1.163) for the two cases, matched as substrings.
_DENIED = "Federation denied with"
_UNREACHABLE = ("Can't connect to server", "Failed to send", "Failed to fetch")


def server_of(user_id: str) -> str:
    """The server name of a Matrix user id (with its port, if any)."""
    return user_id.partition(":")[2]


def remote_failure(exc: MatrixError, user_id: str, own_server: str,
                   action: tuple[str, str] = ("de uitnodiging", "the invitation")
                   ) -> BusbaanError | None:
    """A clear error when ``exc`` failed because ``user_id``'s homeserver (not ours) is
    outside the federation or cannot be reached; None when it is about something else.
    ``action`` names what was not delivered (Dutch, English)."""
    server = server_of(user_id)
    if not server or server == own_server:
        return None
    nl, en = action
    if _DENIED in exc.server_message:
        return Forbidden(
            f"{nl.capitalize()} voor {user_id} is niet verstuurd: de homeserver {server} "
            "hoort niet bij de gesloten federatie van busbaan. Er is niets veranderd. Klopt "
            "de organisatie, vraag de beheerder dan om die server toe te laten.",
            f"{en.capitalize()} for {user_id} was not sent: the homeserver {server} is not "
            "part of busbaan's closed federation. Nothing changed. If the organisation is "
            "right, ask the administrator to admit that server.",
            errcode="BB_SERVER_NOT_IN_FEDERATION", data={"server": server},
        )
    if any(text in exc.server_message for text in _UNREACHABLE):
        return Unavailable(
            f"{nl.capitalize()} voor {user_id} is niet aangekomen: de homeserver {server} is "
            "niet bereikbaar, of toont een certificaat dat de federatie niet vertrouwt. "
            "Er is niets veranderd; probeer het later opnieuw, en meld het aan de beheerder "
            "als het zo blijft.",
            f"{en.capitalize()} for {user_id} did not arrive: the homeserver {server} cannot "
            "be reached, or shows a certificate the federation does not trust. Nothing "
            "changed; try again later, and tell the administrator if it persists.",
            errcode="BB_REMOTE_UNREACHABLE", data={"server": server},
        )
    return None


__all__ = ["remote_failure", "server_of"]
