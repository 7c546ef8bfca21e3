"""Ranking a store: graphs rebuilt here independently, scores per snapshot, explain adds up."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
import scipy.sparse as sp

from linkatlas.analyze.authority import explain, rank, top_domains, top_pages
from linkatlas.analyze.backlinks import profile, refdomains
from linkatlas.errors import BadTargetError, InputError, StoreError, UnknownTargetError
from linkatlas.extract.domains import DomainResolver
from linkatlas.rank.pagerank import pagerank
from linkatlas.rank.scale import rating
from linkatlas.store import scores
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files
from tests.warcs import Response, write_warc

EQUITY = ("a", "area", "redirect", "canonical")


@pytest.fixture(scope="module")
def ranked_db(real_pages_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real-pages store (the shared one stays unranked), ranked once."""
    copy = tmp_path_factory.mktemp("ranked") / "atlas.duckdb"
    shutil.copyfile(real_pages_db, copy)
    with open_store(copy) as con:
        rank(con, resolver=DomainResolver())
    return copy


@pytest.fixture()
def con(ranked_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(ranked_db) as connection:
        yield connection


def link_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        """SELECT source_url_id, target_url_id, source_domain_id, target_domain_id, kind,
                  nofollow OR sponsored OR ugc FROM links"""
    ).fetchall()


def independent_scores(nodes: set[int], edges: set[tuple[int, int]]) -> dict[int, float]:
    """PageRank over a graph built here from plain Python sets."""
    order = sorted(nodes)
    index = {node: i for i, node in enumerate(order)}
    rows = [index[s] for s, _ in edges]
    cols = [index[t] for _, t in edges]
    n = len(order)
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    values = pagerank(matrix)
    return dict(zip(order, values.tolist(), strict=True))


def stored(con: duckdb.DuckDBPyConnection, table: str, key: str) -> dict[int, tuple[float, float]]:
    column = "ur" if table == "page_scores" else "dr"
    rows = con.execute(f"SELECT {key}, pagerank, {column} FROM {table}").fetchall()
    return {int(r[0]): (float(r[1]), float(r[2])) for r in rows}


def test_page_graph_matches_an_independent_build(con: duckdb.DuckDBPyConnection) -> None:
    links = link_rows(con)
    pages = {int(r[0]) for r in con.execute("SELECT url_id FROM pages").fetchall()}
    nodes = pages | {int(r[1]) for r in links}
    edges = {(r[0], r[1]) for r in links if r[4] in EQUITY and not r[5] and r[0] != r[1]}
    expected = independent_scores(nodes, edges)
    got = stored(con, "page_scores", "url_id")
    assert set(got) == set(expected) and len(edges) > 10_000
    assert max(abs(got[k][0] - expected[k]) for k in expected) < 1e-12
    assert sum(v[0] for v in got.values()) == pytest.approx(1.0, abs=1e-9)
    ratings = np.array([v[1] for v in got.values()])
    assert ratings.max() == 100.0 and ratings.min() == 0.0


def test_domain_graph_one_vote_per_site(con: duckdb.DuckDBPyConnection) -> None:
    links = link_rows(con)
    domains = {int(r[0]) for r in con.execute("SELECT domain_id FROM pages").fetchall()}
    nodes = domains | {int(r[3]) for r in links}
    edges = {(r[2], r[3]) for r in links if r[4] in EQUITY and not r[5] and r[2] != r[3]}
    expected = independent_scores(nodes, edges)
    got = stored(con, "domain_scores", "domain_id")
    assert set(got) == set(expected)
    assert max(abs(got[k][0] - expected[k]) for k in expected) < 1e-12
    referred = {t for _, t in edges}
    for domain_id, (_, dr) in got.items():
        assert (dr == 0.0) == (domain_id not in referred), domain_id
    values = np.array([expected[k] for k in sorted(expected)])
    assert np.array_equal(rating(values), np.array([got[k][1] for k in sorted(expected)]))


def test_explain_shares_add_up_to_the_whole(con: duckdb.DuckDBPyConnection) -> None:
    top = top_domains(con, limit=5)
    assert top.total > 400 and top.trust_seeds is None and len(top.items) == 5
    assert [d.dr for d in top.items] == sorted((d.dr for d in top.items), reverse=True)
    for item in top.items:
        full = explain(con, item.domain, resolver=DomainResolver(), limit=0)
        assert full.total == len(full.items) == item.referring_domains > 0
        assert full.other_share == 0.0
        assert sum(c.share for c in full.items) + full.base_share == pytest.approx(1, abs=1e-12)
        assert full.rating == item.dr and full.score == "dr" and full.trust is None
        cut = explain(con, item.domain, resolver=DomainResolver(), limit=2)
        assert len(cut.items) == 2 and cut.items == full.items[:2]
        assert sum(c.share for c in cut.items) + cut.other_share + cut.base_share == (
            pytest.approx(1, abs=1e-12)
        )


def test_explain_a_page_and_its_parts(con: duckdb.DuckDBPyConnection) -> None:
    page = top_pages(con, limit=1).items[0]
    report = explain(con, page.url, resolver=DomainResolver(), mode="exact", limit=0)
    assert report.score == "ur" and report.target == page.url and report.rating == page.ur
    assert report.total == page.inlinks
    run = scores.load_run(con, _snapshot_id(con))
    assert run is not None
    whole = run.page_base + sum(run.damping * c.pagerank / c.outlinks for c in report.items)
    assert whole == pytest.approx(page.pagerank, rel=1e-8)  # the stored score is the fixed point
    assert sum(c.share for c in report.items) + report.base_share == pytest.approx(1, abs=1e-12)


def _snapshot_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT snapshot_id FROM snapshots").fetchall()[0][0])


def test_reports_gain_dr_and_ur(con: duckdb.DuckDBPyConnection, real_pages_db: Path) -> None:
    domain = top_domains(con, limit=1).items[0].domain
    report = refdomains(con, domain, resolver=DomainResolver(), limit=5)
    assert report.items and all(item.dr is not None for item in report.items)
    kpis = profile(con, domain, resolver=DomainResolver())
    assert kpis.dr == 100.0
    assert all(p.ur is not None for p in kpis.top_pages)
    with open_store(real_pages_db) as unranked:
        before = profile(unranked, domain, resolver=DomainResolver())
    assert before.dr is None and all(d.dr is None for d in before.top_referring_domains)


def test_user_mistakes(con: duckdb.DuckDBPyConnection, real_pages_db: Path) -> None:
    resolver = DomainResolver()
    with pytest.raises(UnknownTargetError, match="not a domain of snapshot"):
        explain(con, "never-seen-anywhere.example", resolver=resolver)
    with pytest.raises(BadTargetError, match="--mode domain"):
        explain(con, "example.com", resolver=resolver, mode="prefix")
    with open_store(real_pages_db) as unranked, pytest.raises(StoreError, match="linkatlas rank"):
        top_domains(unranked)


def two_month_store(tmp_path: Path) -> Path:
    db = tmp_path / "two.duckdb"
    months = {
        "2026-01": [
            Response(
                "https://a.org/", '<a href="https://t.com/">t</a>', date="2026-01-10T00:00:00Z"
            ),
            Response(
                "https://b.org/", '<a href="https://a.org/">a</a>', date="2026-01-10T00:00:00Z"
            ),
        ],
        "2026-02": [
            Response(
                "https://a.org/", '<a href="https://t.com/">t</a>', date="2026-02-10T00:00:00Z"
            ),
            Response(
                "https://b.org/", '<a href="https://t.com/">t</a>', date="2026-02-10T00:00:00Z"
            ),
            Response(
                "https://c.org/", '<a href="https://t.com/">t</a>', date="2026-02-10T00:00:00Z"
            ),
        ],
    }
    with open_store(db, create=True) as con:
        for name, pages in months.items():
            warc = write_warc(tmp_path / f"{name}.warc.gz", pages)
            ingest_warc_files(con, [warc], resolver=DomainResolver(), snapshot=name)
    return db


def test_scores_per_snapshot_make_growth_a_query(tmp_path: Path) -> None:
    db = two_month_store(tmp_path)
    resolver = DomainResolver()
    with open_store(db) as con:
        first = rank(con, resolver=resolver, snapshot="2026-01")
        again = rank(con, resolver=resolver, snapshot="2026-01")  # replaces, never doubles
        rank(con, resolver=resolver, seeds=["https://www.b.org/x", "absent.net"])
        assert (first.domains, first.domain_links) == (again.domains, again.domain_links) == (3, 2)
        rows = con.execute("SELECT count(*) FROM domain_scores GROUP BY snapshot_id").fetchall()
        assert sorted(r[0] for r in rows) == [3, 4]
        history = scores.rating_history(con, "t.com")
        assert [(r[0], r[2]) for r in history] == [("2026-01", 100.0), ("2026-02", 100.0)]
        assert history[1][3] > history[0][3]  # more referring domains, more equity
        top = top_domains(con)
        assert top.trust_seeds == ["b.org"]
        by_name = {d.domain: d for d in top.items}
        assert by_name["b.org"].trust == 100.0 and by_name["a.org"].trust == 0.0
        assert by_name["t.com"].trust is not None and by_name["t.com"].trust_gap is False
        with pytest.raises(InputError, match="none of the trust seeds"):
            rank(con, resolver=resolver, seeds=["absent.net"])
