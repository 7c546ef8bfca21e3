"""Shared fixtures: the real test material in ../shared/data, and stores built from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from linkatlas.extract.domains import DomainResolver
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of the shared test material, or a skip when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared test data absent: {path}")
    return path


@pytest.fixture(scope="session")
def resolver() -> DomainResolver:
    return DomainResolver()


@pytest.fixture(scope="session")
def real_pages_warc() -> Path:
    return shared_file("warc/real-pages-a.warc.gz")


@pytest.fixture(scope="session")
def real_pages_db(
    tmp_path_factory: pytest.TempPathFactory, real_pages_warc: Path, resolver: DomainResolver
) -> Path:
    """A store holding real-pages-a.warc.gz, built once per test session."""
    db = tmp_path_factory.mktemp("real") / "atlas.duckdb"
    with open_store(db, create=True) as con:
        ingest_warc_files(con, [real_pages_warc], resolver=resolver, snapshot="real")
    return db


@pytest.fixture()
def real_pages_con(real_pages_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_store(real_pages_db) as con:
        yield con
