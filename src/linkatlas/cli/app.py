"""The ``linkatlas`` command: every command is a thin shell over one library function.

Errors LinkAtlas raises on purpose, and usage errors, print one line and exit non-zero:
2 for a usage error, 1 for anything else the user can fix.
"""

from __future__ import annotations

import logging
import sys

import typer

try:  # typer vendors click in recent releases; older ones use click itself
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover - depends on the installed typer
    from click.exceptions import ClickException, NoArgsIsHelpError  # type: ignore[assignment]

from linkatlas.cli import analysis, demo, extract, history, ingest, maintenance, rank, reports
from linkatlas.errors import LinkAtlasError

app = typer.Typer(
    name="linkatlas",
    help="LinkAtlas: an open backlink index and link-authority engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ingest.register(app)
extract.register(app)
reports.register(app)
history.register(app)
analysis.register(app)
rank.register(app)
demo.register(app)
maintenance.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="linkatlas", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except NoArgsIsHelpError as exc:
        sys.stderr.write(exc.format_message() + "\n")
        sys.exit(2)
    except ClickException as exc:
        sys.stderr.write(f"error: {exc.format_message()}\n")
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(130)
    except LinkAtlasError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
