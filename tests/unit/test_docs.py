"""Docs match the code: every setting and every command is documented in the README."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import typer

from linkatlas.cli.app import app
from linkatlas.config import SETTINGS_HELP, Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    names = [f.name for f in fields(Settings)]
    assert sorted(SETTINGS_HELP) == sorted(names)
    for name in names:
        assert f"| {name} | `LINKATLAS_{name.upper()}` |" in README, name


def test_every_command_is_in_the_readme() -> None:
    command = typer.main.get_command(app)
    names = list(command.commands)  # type: ignore[attr-defined]
    assert {"ingest", "extract", "profile", "backlinks", "refdomains", "demo"} <= set(names)
    for name in names:
        assert f"linkatlas {name}" in README or f"make {name}" in README, name
