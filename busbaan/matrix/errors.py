"""nio responses turned into exceptions, in one place."""

from __future__ import annotations

from typing import Any, TypeVar

import nio

from busbaan.errors import BusbaanError

T = TypeVar("T")


class MatrixError(BusbaanError):
    """The homeserver refused or failed a request."""

    errcode = "BB_MATRIX"

    def __init__(self, what: str, status: str | None, message: str,
                 data: dict[str, Any] | None = None) -> None:
        self.what = what
        self.status = status or ""
        self.server_message = message
        super().__init__(
            f"De homeserver weigerde '{what}': {message}",
            f"The homeserver refused '{what}': {message}",
            errcode="BB_MATRIX_" + (self.status.removeprefix("M_") or "ERROR"),
            data=data,
        )


def check(response: T, what: str) -> T:
    """Return ``response`` or raise :class:`MatrixError` when it is a nio error."""
    if isinstance(response, nio.ErrorResponse):
        raise MatrixError(what, response.status_code, response.message or str(response))
    return response
