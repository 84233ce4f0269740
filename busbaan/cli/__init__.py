"""The ``busbaan`` command.

Each sub-command group lives in its own module and is imported only when used, so
``busbaan route batch`` does not pay for loading nio or Synapse.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from busbaan.errors import BusbaanError

#: name -> "module:attribute" of a click command or group.
SUBCOMMANDS: dict[str, str] = {
    "policy": "busbaan.cli.policy:policy",
    "directory": "busbaan.cli.directory:directory",
    "db": "busbaan.cli.db:db",
    "socialmap": "busbaan.cli.socialmap:socialmap",
    "route": "busbaan.cli.route:route",
    "audit": "busbaan.cli.audit:audit",
    "dev": "busbaan.cli.dev:dev",
    "serve": "busbaan.cli.serve:serve",
    "witness": "busbaan.cli.witness:witness",  # issue 9
    "keys": "busbaan.cli.keys:keys",  # session 9: pseudonym key rotation, retention sweep
}


def lang() -> str:
    """The language for messages: ``BUSBAAN_LANG`` (nl by default, en available)."""
    return "en" if os.environ.get("BUSBAAN_LANG", "nl").lower().startswith("en") else "nl"


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BusbaanError as exc:
            click.echo(f"busbaan: {exc.message(lang())} [{exc.errcode}]", err=True)
            sys.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="busbaan")
def main() -> None:
    """busbaan: case rooms with consent scopes, routing and an audit log on Matrix."""
