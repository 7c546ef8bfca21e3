"""The ``linkatlas`` command, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from tests.e2e.test_analysis_cli import analysis_documents
from tests.e2e.test_risk_cli import risk_documents
from tests.warcs import Response, write_warc


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkatlas", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def run_json(*args: str, **kwargs: Any) -> Any:
    result = run(*args, "--json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled through the CLI from the Common Crawl excerpt and a small own WARC."""
    folder = tmp_path_factory.mktemp("cli")
    own = write_warc(
        folder / "own.warc.gz",
        [
            Response(
                "https://blog.alpha.org/post",
                '<a href="https://www.target.com/a" rel="nofollow">Target A</a>'
                '<a href="https://target.com/b">target.com</a>'
                '<a href="https://www.target.com/a" rel="sponsored">buy</a>',
            ),
            Response("https://beta.net/", '<a href="http://target.com/b"><img alt="logo"></a>'),
            Response("https://target.com/b", '<a href="/a">self</a>'),
        ],
    )
    db = folder / "atlas.duckdb"
    excerpt = shared_file("warc/cc-main-2020-34-excerpt.warc.gz")
    stats = run_json("ingest", "warc", str(excerpt), str(own), "--db", str(db), "--snapshot", "s1")
    assert stats["pages_written"] == 16 + 3
    return db


def test_profile_json_contract(cli_db: Path) -> None:
    doc = run_json("profile", "target.com", "--db", str(cli_db))
    for key in (
        "target", "mode", "backlinks", "referring_domains", "followed_backlinks", "nofollow",
        "sponsored", "ugc", "top_anchors", "top_referring_domains", "top_pages",
    ):  # fmt: skip
        assert key in doc
    assert (doc["target"], doc["mode"], doc["backlinks"], doc["referring_domains"]) == (
        "target.com", "domain", 4, 2,
    )  # fmt: skip
    assert (doc["followed_backlinks"], doc["nofollow"], doc["sponsored"], doc["ugc"]) == (
        2,
        1,
        1,
        0,
    )
    assert {a["anchor"] for a in doc["top_anchors"]} == {"Target A", "target.com", "buy", "logo"}


def test_backlinks_json_contract(cli_db: Path) -> None:
    doc = run_json("backlinks", "target.com", "--db", str(cli_db), "--limit", "2")
    assert (doc["target"], doc["mode"], doc["total"], len(doc["items"])) == (
        "target.com",
        "domain",
        4,
        2,
    )
    item = doc["items"][0]
    for key in (
        "source_url", "target_url", "anchor", "nofollow", "sponsored", "ugc", "source_domain",
        "first_seen", "last_seen",
    ):  # fmt: skip
        assert key in item
    everything = run_json(
        "backlinks", "www.target.com", "--db", str(cli_db), "--mode", "host", "--limit", "0"
    )
    assert everything["total"] == len(everything["items"]) == 2


def test_refdomains_json_contract(cli_db: Path) -> None:
    doc = run_json("refdomains", "https://target.com/b", "--db", str(cli_db))
    assert doc["target"] == "target.com" and doc["total"] == 2
    assert {(d["domain"], d["backlinks"], d["followed_backlinks"]) for d in doc["items"]} == {
        ("alpha.org", 3, 1),
        ("beta.net", 1, 1),
    }


def test_db_from_environment(cli_db: Path) -> None:
    doc = run_json("profile", "target.com", env={"LINKATLAS_DB": str(cli_db)})
    assert doc["backlinks"] == 4


def test_tables_for_people(cli_db: Path) -> None:
    result = run("profile", "target.com", "--db", str(cli_db))
    assert result.returncode == 0
    assert "referring domains" in result.stdout and "alpha.org" in result.stdout


def test_extract_html_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<a href="/x" rel="ugc">[bold]x[/bold]</a><a href="https://b.com">b</a>')
    doc = run_json("extract", str(page), "--url", "https://example.com/a/")
    assert doc["url"] == "https://example.com/a/"
    first = doc["links"][0]
    for key in (
        "url",
        "anchor",
        "rel",
        "nofollow",
        "sponsored",
        "ugc",
        "kind",
        "image",
        "internal",
        "domain",
    ):
        assert key in first
    assert (first["url"], first["anchor"], first["ugc"], first["internal"]) == (
        "https://example.com/x", "[bold]x[/bold]", True, True,
    )  # fmt: skip
    assert doc["stats"]["links_kept"] == 2
    table = run("extract", str(page), "--url", "https://example.com/a/")
    assert "[bold]x[/bold]" in table.stdout  # page content is shown, never read as markup


def test_extract_warc_prints_json_lines() -> None:
    excerpt = shared_file("warc/cc-main-2020-34-excerpt.warc.gz")
    result = run("extract", str(excerpt), "--json")
    assert result.returncode == 0, result.stderr
    pages = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(pages) == 16
    assert sum(len(p["links"]) for p in pages) > 1000
    assert any(p["robots_nofollow"] for p in pages)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ingest", "warc", "missing.warc.gz"], "no such file"),
        (["ingest", "warc", "{notwarc}"], "not a readable WARC"),
        (["profile", "unknown-site.example", "--db", "{db}"], "not in the store"),
        (["profile", "x.com", "--db", "{missing_db}"], "no store at"),
        (["profile", "x.com", "--bogus"], "No such option"),
        (["backlinks", "x.com", "--limit", "many"], "--limit"),
        (["profile", "x.com", "--mode", "fuzzy", "--db", "{db}"], "unknown mode"),
        (["extract", "{notwarc}"], "give --url"),
        (["ingest", "warc", "{notwarc}", "--date", "yesterday"], "YYYY-MM-DD"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path, cli_db: Path, args: list[str], needle: str
) -> None:
    notwarc = tmp_path / "notes.txt"
    notwarc.write_text("not a warc")
    values = {
        "notwarc": str(notwarc),
        "db": str(cli_db),
        "missing_db": str(tmp_path / "none.duckdb"),
    }
    result = run(*(a.format(**values) for a in args), cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]


LATER = "2026-02-15T10:00:00Z"


def documented_examples() -> dict[str, Any]:
    """The JSON example under each ``## command`` heading of docs/json.md."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "json.md").read_text()
    examples = {}
    for section in text.split("\n## ")[1:]:
        name = section.splitlines()[0].strip()
        block = section.split("```json\n", 1)[1].split("\n```", 1)[0]
        examples[name] = json.loads(block)
    return examples


VARIABLE_KEYS = ("dropped", "records_skipped", "links_dropped", "lost_by_reason")
"""Counters keyed by data (reasons, record types), not part of the fixed shape."""


def key_shape(value: Any) -> Any:
    """The keys of a document, recursively (lists: the shape of their first item)."""
    if isinstance(value, dict):
        return {k: key_shape(v) for k, v in value.items() if k not in VARIABLE_KEYS}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [key_shape(value[0])]
    return None


def test_documented_json_examples_have_the_printed_keys(cli_db: Path, tmp_path: Path) -> None:
    examples = documented_examples()
    assert set(examples) == {
        "ingest warc", "extract", "profile", "backlinks", "refdomains", "history", "changes",
        "anchors", "intersect", "broken", "pages", "outlinks", "risk", "disavow", "disavow --check",
        "rank", "top domains", "top pages", "explain",
    }  # fmt: skip
    page = tmp_path / "page.html"
    page.write_text('<a href="/about" rel="nofollow">About</a>')
    warc = write_warc(
        tmp_path / "one.warc.gz",
        [
            Response("https://a.org/", '<a href="https://target.com/">t</a>'),
            Response("https://c.org/", '<a href="https://target.com/">c</a>'),
        ],
    )
    later = write_warc(  # a.org's link becomes ugc, b.org is new, c.org is not captured
        tmp_path / "two.warc.gz",
        [
            Response("https://a.org/", '<a href="https://target.com/" rel="ugc">t</a>', date=LATER),
            Response("https://b.org/", '<a href="https://target.com/">b</a>', date=LATER),
        ],
    )
    x_db = str(tmp_path / "x.duckdb")
    ingested = run_json("ingest", "warc", str(warc), "--db", x_db, "--snapshot", "a")
    run_json("ingest", "warc", str(later), "--db", x_db, "--snapshot", "b")
    printed = {
        "ingest warc": ingested,
        "history": run_json("history", "target.com", "--db", x_db),
        "changes": run_json("changes", "target.com", "--db", x_db),
        "extract": run_json("extract", str(page), "--url", "https://example.com/a/"),
        "profile": run_json("profile", "target.com", "--db", str(cli_db)),
        "backlinks": run_json("backlinks", "target.com", "--db", str(cli_db)),
        "refdomains": run_json("refdomains", "target.com", "--db", str(cli_db)),
        **analysis_documents(tmp_path / "analysis"),
        **risk_documents(tmp_path / "risk"),
        "rank": run_json("rank", "--db", x_db),
        "top domains": run_json("top", "domains", "--db", x_db),
        "top pages": run_json("top", "pages", "--db", x_db),
        "explain": run_json("explain", "target.com", "--db", x_db),
    }
    for name, doc in printed.items():
        assert key_shape(examples[name]) == key_shape(doc), name


def test_demo_quick_end_to_end(tmp_path: Path) -> None:
    """The README's `make demo`, in quick mode: monthly crawls, ingest, reports."""
    doc = run_json("demo", "--quick", "--out", str(tmp_path / "demo"))
    profile = doc["profile"]
    assert profile["target"] == doc["featured_site"]
    assert profile["backlinks"] > 0 and profile["referring_domains"] >= 3
    assert len(doc["snapshots"]) == len(doc["history"]["items"]) == 3
    assert all(point["dr"] is not None for point in doc["history"]["items"])
    assert doc["changes"]["to"] == doc["snapshots"][-1]
    assert doc["changes"]["new_total"] > 0 and doc["changes"]["lost_total"] > 0
    db = str(tmp_path / "demo" / "atlas.duckdb")
    again = run_json("refdomains", doc["featured_site"], "--db", db)
    assert again["total"] == profile["referring_domains"]
    table = run("demo", "--quick", "--out", str(tmp_path / "demo"))
    assert table.returncode == 0
    assert "Profile of" in table.stdout and "History of" in table.stdout
