"""The public Python API: what ``import linkatlas`` offers is what ``__all__`` says."""

from __future__ import annotations

import linkatlas


def test_all_names_exist_and_are_sorted() -> None:
    assert linkatlas.__all__ == sorted(linkatlas.__all__)
    missing = [name for name in linkatlas.__all__ if not hasattr(linkatlas, name)]
    assert missing == []


def test_public_names_are_in_all() -> None:
    public = {
        name
        for name, value in vars(linkatlas).items()
        if not name.startswith("_") and callable(value) and not isinstance(value, type(linkatlas))
    }
    assert public <= set(linkatlas.__all__) | {"annotations"}


def test_report_functions_are_the_cli_ones() -> None:
    from linkatlas.analyze import backlinks as backlink_reports

    assert linkatlas.profile is backlink_reports.profile
    links = linkatlas.extract_links(b'<a href="/x" rel="ugc">x</a>', "https://example.com/")
    assert links[0].url == "https://example.com/x" and links[0].ugc
