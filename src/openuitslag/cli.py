"""The ``openuitslag`` command: one entry point for every area.

Each area keeps its commands in its own module and is imported only when
its command runs, so ``openuitslag inspect`` never loads Django and the
areas can grow independently.
"""

from __future__ import annotations

import importlib
import logging
import os

import click

# command name -> "module:attribute" of a click command or group
COMMANDS: dict[str, str] = {
    "inspect": "openuitslag.core.commands:inspect_command",
    "verify": "openuitslag.core.checks.cli:verify_command",
    "audit": "openuitslag.log.commands:audit_command",
    "log": "openuitslag.log.commands:log_group",
    "harvest": "openuitslag.harvest.commands:harvest_group",
    "registry": "openuitslag.harvest.commands:registry_group",
    "import": "openuitslag.portal.commands:import_command",
    "serve": "openuitslag.portal.commands:serve_command",
    "demo": "openuitslag.portal.commands:demo_command",
    "manage": "openuitslag.portal.commands:manage_command",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return None
        command = getattr(module, attribute, None)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.version_option(package_name="openuitslag")
def main(verbose: int) -> None:
    """Read, verify, archive and publish Dutch election results."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    level_name = os.environ.get("OPENUITSLAG_LOG_LEVEL")
    logging.basicConfig(
        level=level_name.upper() if level_name else level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
