"""The analysis commands run as a user runs them: anchors, intersect, broken, pages, outlinks,
disavow. ``analysis_documents`` also feeds the check of the examples in docs/json.md.

Most runs go through the real entry point in this process (``invoke``: same argument parsing,
output and exit codes, without a Python start-up each); a few run as real processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from linkatlas.cli.app import main
from tests.warcs import Response, write_warc


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """``linkatlas ARGS`` through its entry point, in this process."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``linkatlas ARGS`` as a real process (for its exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "linkatlas", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )


def invoke_json(*args: str, cwd: Path | None = None) -> Any:
    result = invoke(*args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


DOCS_PAGES = [
    Response(
        "https://blog.alpha.org/post",
        '<a href="https://www.example.com/guide" rel="nofollow">SEO guide</a>'
        '<a href="https://example.com/old">example.com/old</a>'
        '<a href="https://rival-one.com/">Rival One</a>'
        '<a href="https://rival-two.net/tools">best SEO tools</a>'
        '<footer><a href="https://example.com/">Example</a></footer>',
    ),
    Response(
        "https://beta.net/",
        '<a href="http://example.com/"><img alt="Example logo"></a>'
        '<a href="https://example.com/old">read more</a>'
        '<a href="https://rival-one.com/blog">rival-one.com</a>',
        date="2026-01-15T11:00:00Z",
    ),
    Response(
        "https://gamma.io/list",
        '<a href="https://rival-one.com/">Rival One</a>'
        '<a href="https://rival-two.net/">Rival Two</a>'
        '<a href="https://rival-three.org/">Rival Three</a>',
        date="2026-01-15T12:00:00Z",
    ),
    Response("https://example.com/old", "Not found", status=404, date="2026-01-15T13:00:00Z"),
]
"""The store of the analysis examples in docs/json.md."""

BAD_DISAVOW = (
    "# spam found in January\n"
    "domain:spam.example\n"
    "domain:spam.example/en/\n"
    "spam-two.example\n"
    "https://spam-three.example/page\n"
)


def build_docs_store(folder: Path) -> Path:
    warc = write_warc(folder / "docs.warc.gz", DOCS_PAGES)
    db = folder / "docs.duckdb"
    invoke_json("ingest", "warc", str(warc), "--db", str(db), "--snapshot", "2026-01")
    return db


def analysis_documents(folder: Path) -> dict[str, Any]:
    """What each analysis command prints with --json, by docs/json.md section name."""
    folder.mkdir(parents=True, exist_ok=True)
    db = str(build_docs_store(folder))
    (folder / "bad-disavow.txt").write_text(BAD_DISAVOW)
    check = invoke("disavow", "--check", "bad-disavow.txt", "--json", cwd=folder)
    assert check.returncode == 1, check.stderr
    intersect = [
        "intersect", "rival-one.com", "rival-two.net", "rival-three.org",
        "--not", "example.com", "--min", "2",
    ]  # fmt: skip
    disavow = ["disavow", "example.com", "--domain", "beta.net", "--out", "disavow.txt"]
    return {
        "anchors": invoke_json("anchors", "example.com", "--keyword", "SEO guide", "--db", db),
        "intersect": invoke_json(*intersect, "--db", db),
        "broken": invoke_json("broken", "example.com", "--db", db),
        "pages": invoke_json("pages", "example.com", "--db", db),
        "outlinks": invoke_json("outlinks", "alpha.org", "--db", db),
        "disavow": invoke_json(*disavow, "--db", db, cwd=folder),
        "disavow --check": json.loads(check.stdout),
    }


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return analysis_documents(tmp_path_factory.mktemp("analysis"))


def test_anchors_json(documents: dict[str, Any]) -> None:
    doc = documents["anchors"]
    assert (doc["target"], doc["backlinks"], doc["referring_domains"]) == ("example.com", 5, 2)
    categories = {c["category"]: c["backlinks"] for c in doc["categories"]}
    assert categories == {
        "branded": 1, "exact": 1, "partial": 0, "naked_url": 1, "generic": 1, "image": 1,
        "empty": 0, "other": 0,
    }  # fmt: skip
    assert {(i["anchor"], i["category"]) for i in doc["items"]} == {
        ("Example", "branded"), ("SEO guide", "exact"), ("example.com/old", "naked_url"),
        ("read more", "generic"), ("Example logo", "image"),
    }  # fmt: skip
    assert doc["exact_share"] == 0.5 and doc["over_optimized"] is False


def test_intersect_json(documents: dict[str, Any]) -> None:
    doc = documents["intersect"]
    assert doc["target"] == "example.com" and doc["total"] == 1
    assert doc["competitors"] == ["rival-one.com", "rival-two.net", "rival-three.org"]
    (item,) = doc["items"]
    assert (item["domain"], item["dr"]) == ("gamma.io", None)
    assert [c["competitor"] for c in item["links_to"]] == doc["competitors"]


def test_broken_pages_outlinks_json(documents: dict[str, Any]) -> None:
    broken = documents["broken"]
    assert (broken["total"], broken["referring_domains"], broken["broken_pages"]) == (2, 2, 1)
    assert {b["status"] for b in broken["items"]} == {404}
    pages = documents["pages"]
    first = pages["items"][0]
    assert (first["url"], first["referring_domains"]) == (
        "https://example.com/old", 2,
    )  # fmt: skip
    outlinks = documents["outlinks"]
    assert (outlinks["source"], outlinks["links"], outlinks["followed_links"]) == (
        "alpha.org", 5, 4,
    )  # fmt: skip
    assert outlinks["items"][0] == {
        "domain": "example.com", "dr": None, "links": 3, "followed_links": 2,
        "linking_pages": 1, "linked_pages": 3,
    }  # fmt: skip


@pytest.fixture(scope="module")
def docs_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_docs_store(tmp_path_factory.mktemp("docs-store"))


def test_disavow_writes_a_file_that_passes_the_check(
    documents: dict[str, Any], docs_db: Path, tmp_path: Path
) -> None:
    doc = documents["disavow"]
    assert (doc["out"], doc["total"], doc["items"][0]["domain"]) == ("disavow.txt", 1, "beta.net")
    out = tmp_path / "file.txt"
    db = str(docs_db)
    written = invoke(
        "disavow", "example.com", "--domain", "beta.net", "--out", str(out), "--db", db
    )
    assert written.returncode == 0, written.stderr
    assert "beta.net" in written.stdout
    assert "domain:beta.net" in out.read_text().splitlines()
    printed = invoke("disavow", "example.com", "--domain", "gamma.io", "--db", db)
    assert printed.returncode == 0
    assert printed.stdout.splitlines()[-2:] == [
        "# listed by the user; no backlinks to example.com in snapshot 2026-01",
        "domain:gamma.io",
    ]
    check = run("disavow", "--check", str(out))  # a real process: its exit code
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"{out}: valid (ascii, ")


def test_disavow_check_reports_one_line_per_problem(
    documents: dict[str, Any], tmp_path: Path
) -> None:
    doc = documents["disavow --check"]
    assert doc["valid"] is False and [p["line"] for p in doc["problems"]] == [3, 4]
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD_DISAVOW + "[bold]x[/bold] " + "y" * 200 + "\n")
    result = run("disavow", "--check", str(bad))  # a real process: its exit code
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{bad}:3", f"{bad}:4", f"{bad}:6"]
    assert "subpath" in lines[0] and "bare domain" in lines[1] and "not a comment" in lines[2]
    assert result.stderr.splitlines() == [f"error: {bad}: 3 problems; Google would refuse the file"]


def test_tables_show_page_text_as_text(tmp_path: Path) -> None:
    warc = write_warc(
        tmp_path / "x.warc.gz",
        [Response("https://a.org/", '<a href="https://t.com/">[bold red]boom[/bold red]</a>')],
    )
    db = str(tmp_path / "x.duckdb")
    invoke_json("ingest", "warc", str(warc), "--db", db)
    shown = {
        command: invoke(command, *args, "--db", db)
        for command, args in (
            ("anchors", ["t.com"]), ("pages", ["t.com"]), ("broken", ["t.com"]),
            ("outlinks", ["a.org"]), ("intersect", ["t.com"]),
        )
    }  # fmt: skip
    assert all(r.returncode == 0 for r in shown.values()), shown
    assert "[bold red]boom[/bold red]" in shown["anchors"].stdout
    assert "t.com" in shown["outlinks"].stdout and "a.org" in shown["intersect"].stdout
    assert "0 of 0 backlinks" in shown["broken"].stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["intersect", "rival-one.com", "--min", "2", "--db", "{db}"], "--min 2"),
        (["intersect", "rival-one.com", "--not", "rival-one.com", "--db", "{db}"], "both"),
        (["anchors", "example.com", "--threshold", "3", "--db", "{db}"], "not a share"),
        (["outlinks", "nowhere.example", "--db", "{db}"], "not in the store"),
        (["disavow", "--db", "{db}"], "--check FILE"),
        (["disavow", "example.com", "--db", "{db}"], "--domain"),
        (["disavow", "--check", "missing.txt"], "no such file"),
        (["disavow", "x.com", "--check", "missing.txt"], "takes no TARGET"),
        (["disavow", "example.com", "--domain", "a.org", "--out", "x.csv", "--db", "{db}"], ".txt"),
        (["intersect", "--db", "{db}"], "competitors"),
        (["anchors", "example.com", "--limit", "-1", "--db", "{db}"], "--limit"),
    ],
)
def test_user_errors_are_one_line(
    docs_db: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    result = invoke(*(arg.format(db=docs_db) for arg in args), cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
