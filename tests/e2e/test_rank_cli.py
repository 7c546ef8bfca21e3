"""``linkatlas rank``, ``top`` and ``explain`` run as a user runs them: a real process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_file
from tests.e2e.test_cli import run, run_json
from tests.warcs import Response, write_warc


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Common Crawl excerpt and three own pages, ingested but not ranked."""
    folder = tmp_path_factory.mktemp("rank")
    own = write_warc(
        folder / "own.warc.gz",
        [
            Response("https://blog.alpha.org/post", '<a href="https://target.com/b">t</a>'),
            Response("https://beta.net/", '<a href="https://target.com/">t</a>'),
            Response(
                "https://target.com/b", '<a href="/">home</a><a href="https://beta.net/">b</a>'
            ),
        ],
    )
    db = folder / "atlas.duckdb"
    excerpt = shared_file("warc/cc-main-2020-34-excerpt.warc.gz")
    run_json("ingest", "warc", str(excerpt), str(own), "--db", str(db), "--snapshot", "s1")
    return db


def test_top_before_rank_says_what_to_run(store: Path) -> None:
    result = run("top", "domains", "--db", str(store))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: snapshot 's1' has no scores yet: run linkatlas rank --snapshot s1"
    )


def test_rank_top_and_explain(store: Path, tmp_path: Path) -> None:
    table = run("rank", "--db", str(store))
    assert table.returncode == 0, table.stderr
    assert "iterations" in table.stdout and "trust: absent" in table.stdout
    doc = run_json("rank", "--db", str(store))
    assert doc["snapshot"] == "s1" and doc["formula_version"] == 1
    assert sum(doc["ur_histogram"]) == doc["pages"] and sum(doc["dr_histogram"]) == doc["domains"]
    assert doc["iterations"]["ur"] > 0 and doc["trust_seeds"] is None

    domains = run_json("top", "domains", "--db", str(store), "--limit", "0")
    assert len(domains["items"]) == domains["total"] == doc["domains"]
    assert sum(d["pagerank"] for d in domains["items"]) == pytest.approx(1.0, abs=1e-9)
    assert {"domain", "pagerank", "dr"} <= set(domains["items"][0])
    pages = run_json("top", "pages", "--db", str(store), "-n", "3")
    assert len(pages["items"]) == 3 and {"url", "pagerank", "ur"} <= set(pages["items"][0])
    refdomains = run_json("refdomains", "target.com", "--db", str(store))
    dr = {item["domain"]: item["dr"] for item in refdomains["items"]}
    assert dr["alpha.org"] == 0.0 and dr["beta.net"] > 0  # target.com links back to beta.net

    why = run_json("explain", "target.com", "--db", str(store), "--limit", "0")
    assert why["score"] == "dr" and why["total"] == 2
    assert sum(i["share"] for i in why["items"]) + why["base_share"] == pytest.approx(1.0)
    page = run_json("explain", "https://target.com/", "--mode", "exact", "--db", str(store))
    assert page["score"] == "ur" and {i["source"] for i in page["items"]} == {
        "https://beta.net/",
        "https://target.com/b",
    }
    shown = run("explain", "target.com", "--db", str(store))
    assert "alpha.org" in shown.stdout and "shares add up to 100 %" in shown.stdout

    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# trusted\nblog.alpha.org\nabsent.example\n")
    trusted = run_json("rank", "--db", str(store), "--seeds-file", str(seeds))
    assert trusted["trust_seeds"] == ["alpha.org"]
    assert trusted["trust_seeds_missing"] == ["absent.example"]
    ranked = run_json("top", "domains", "--db", str(store))
    by_name = {d["domain"]: d for d in ranked["items"]}
    assert by_name["alpha.org"]["trust"] > 50 and by_name["target.com"]["trust"] > 50
    assert min(d["trust"] for d in ranked["items"]) == 0.0  # the excerpt's sites: unreachable


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["explain", "nowhere.example", "--db", "{db}"], "not a domain of snapshot"),
        (["explain", "target.com", "--mode", "host", "--db", "{db}"], "--mode domain"),
        (["rank", "--db", "{db}", "--seeds-file", "{missing}"], "no such seeds file"),
        (["rank", "--db", "{db}", "--seeds", "absent.example"], "none of the trust seeds"),
        (["rank", "--db", "{db}", "--damping", "1.5"], "damping"),
        (["top", "pages", "--db", "{missing}"], "no store at"),
    ],
)
def test_user_errors_are_one_line(
    store: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    values = {"db": str(store), "missing": str(tmp_path / "missing.txt")}
    result = run(*(a.format(**values) for a in args))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
