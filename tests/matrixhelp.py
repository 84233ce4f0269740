"""Moved to busbaan.devstack.people (kept while other work still imports it)."""

from busbaan.devstack.people import *  # noqa: F403
from busbaan.devstack.people import NOTICE_KEY, REPLY_KEY, Person, eventually, members  # noqa: F401
