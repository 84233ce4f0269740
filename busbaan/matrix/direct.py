"""What a direct chat is, for answering (pure over the bot's view of a room).

A direct chat is a room that a person and the bot share alone: exactly one other
member (joined or invited) besides the bot, whatever the room's name, whoever created
it, whatever ``is_direct`` said. It is safe to *answer* there — nobody else reads the
answer. It is not enough to *send private notices unasked* into it (a planted room
could be taken over later): for that the case service keeps its own rule, rooms the
bot created itself (``CasusBot.direct_room``).
"""

from __future__ import annotations

from collections.abc import Iterable


def alone_with(members: Iterable[str], bot_user_id: str) -> str | None:
    """The one person the bot shares the room with, or None (more people, or nobody)."""
    others = set(members) - {bot_user_id}
    if len(others) != 1:
        return None
    return next(iter(others))
