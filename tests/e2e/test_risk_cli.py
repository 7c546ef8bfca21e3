"""``linkatlas risk`` and ``linkatlas disavow --signal`` run as a user runs them.
``risk_documents`` also feeds the check of the example in docs/json.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_analysis_cli import invoke, invoke_json
from tests.warcs import Response, write_warc

FARM = ["a-farm.net", "b-farm.net", "c-farm.net", "d-farm.net"]


def _farm_page(domain: str, number: int) -> Response:
    friends = "".join(f'<a href="https://{d}/">friend</a>' for d in FARM if d != domain)
    return Response(
        f"https://{domain}/",
        friends + '<a href="https://example.com/">cheap SEO tools</a>',
        ip=f"203.0.113.{10 + number}",
    )


RISK_PAGES = [
    *(_farm_page(domain, number) for number, domain in enumerate(FARM, start=1)),
    Response(
        "https://partner.org/", '<a href="https://example.com/">Example</a>', ip="198.51.100.5"
    ),
    Response(
        "https://example.com/", '<a href="https://partner.org/">our partner</a>', ip="192.0.2.80"
    ),
    *(
        Response(
            f"https://webring.org/{page}",
            '<p>text</p><footer><a href="https://example.com/">Example</a></footer>',
            ip="198.51.100.9",
        )
        for page in ("", "a", "b", "c", "d")
    ),
]
"""The store of the risk example in docs/json.md: a farm of four domains on one /24 linking each
other and example.com with a commercial anchor, a link exchange, a sitewide footer link."""


def build_risk_store(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    warc = write_warc(folder / "risk.warc.gz", RISK_PAGES)
    db = folder / "risk.duckdb"
    invoke_json("ingest", "warc", str(warc), "--db", str(db), "--snapshot", "2026-01")
    return db


def risk_documents(folder: Path) -> dict[str, Any]:
    """What ``risk`` prints with --json, by docs/json.md section name."""
    db = build_risk_store(folder)
    return {"risk": invoke_json("risk", "example.com", "--limit", "2", "--db", str(db))}


@pytest.fixture(scope="module")
def risk_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_risk_store(tmp_path_factory.mktemp("risk-cli"))


def test_risk_json(risk_db: Path) -> None:
    doc = invoke_json("risk", "example.com", "--db", str(risk_db))
    assert (doc["target"], doc["mode"], doc["snapshot"]) == ("example.com", "domain", "2026-01")
    assert (doc["ranked"], doc["trust"], doc["referring_domains"], doc["total"]) == (
        False, False, 6, 6,
    )  # fmt: skip
    signals = {i["domain"]: [s["signal"] for s in i["signals"]] for i in doc["items"]}
    farm = ["link_farm", "commercial_anchor_low_dr", "shared_ip"]
    assert signals == {
        **dict.fromkeys(FARM, farm), "partner.org": ["reciprocal"], "webring.org": ["sitewide"],
    }  # fmt: skip
    assert [i["domain"] for i in doc["items"]][:4] == FARM  # most signals first
    assert doc["signal_counts"] == {
        "sitewide": 1, "reciprocal": 1, "link_farm": 4, "commercial_anchor_low_dr": 4,
        "many_outlinks": 0, "shared_ip": 4, "dr_trust_gap": None,
    }  # fmt: skip
    first = doc["items"][0]
    assert first["signals"][0] == {
        "signal": "link_farm",
        "detail": f"4 domains link each other ({', '.join(FARM)})",
        "evidence": ["https://a-farm.net/"],
    }
    assert (first["dr"], first["backlinks"], first["followed_backlinks"]) == (None, 1, 1)
    limited = invoke_json("risk", "example.com", "--limit", "2", "--db", str(risk_db))
    assert limited["total"] == 6 and len(limited["items"]) == 2


def test_risk_table_shows_page_text_as_text(tmp_path: Path) -> None:
    pages = [
        Response(f"https://s{n}.org/", '<a href="https://t.com/">[b]cheap loans[/b]</a>')
        for n in range(2)
    ]
    db = str(tmp_path / "x.duckdb")
    invoke_json("ingest", "warc", str(write_warc(tmp_path / "x.warc.gz", pages)), "--db", db)
    shown = invoke("risk", "t.com", "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "[b]cheap" in shown.stdout and "loans[/b]" in shown.stdout  # text, not markup
    assert "commercial_anchor_low_dr" in shown.stdout and "https://s0.org/" in shown.stdout
    assert "note: trust is not computed" in shown.stdout


def test_disavow_by_signal_writes_a_file_that_passes_the_check(
    risk_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "disavow.txt"
    args = ["disavow", "example.com", "--signal", "link_farm", "--signal", "sitewide"]
    doc = invoke_json(*args, "--out", str(out), "--db", str(risk_db))
    assert [i["domain"] for i in doc["items"]] == [*FARM, "webring.org"]
    lines = out.read_text().splitlines()
    assert lines[3:5] == [
        f"# link_farm: 4 domains link each other ({', '.join(FARM)}), e.g. https://a-farm.net/; "
        "1 backlinks (1 followed) to example.com in snapshot 2026-01",
        "domain:a-farm.net",
    ]
    assert lines[-2].startswith("# sitewide: links from the footer of 5 of its 5 captured pages")
    assert lines[-1] == "domain:webring.org"
    check = invoke("disavow", "--check", str(out))
    assert check.returncode == 0, check.stdout
    everything = invoke_json("disavow", "example.com", "--all-signals", "--db", str(risk_db))
    assert everything["total"] == 6
    table = invoke(*args, "--out", str(tmp_path / "again.txt"), "--db", str(risk_db))
    assert table.returncode == 0 and "webring.org" in table.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["risk", "nowhere.example", "--db", "{db}"], "not in the store"),
        (["risk", "example.com", "--mode", "fuzzy", "--db", "{db}"], "unknown mode"),
        (["disavow", "example.com", "--signal", "toxic", "--db", "{db}"], "unknown signal"),
        (["disavow", "example.com", "--signal", "dr_trust_gap", "--db", "{db}"], "trust scores"),
        (["disavow", "--check", "x.txt", "--signal", "link_farm"], "takes no TARGET"),
    ],
)
def test_user_errors_are_one_line(
    risk_db: Path, tmp_path: Path, args: list[str], needle: str
) -> None:
    result = invoke(*(arg.format(db=risk_db) for arg in args), cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]


def test_risk_documents_match_the_json_contract(tmp_path: Path) -> None:
    doc = risk_documents(tmp_path)["risk"]
    for key in ("target", "mode", "snapshot", "ranked", "trust", "total", "items", "signal_counts"):
        assert key in doc
    item = doc["items"][0]
    assert set(item) >= {"domain", "dr", "backlinks", "signals"}
    assert set(item["signals"][0]) == {"signal", "detail", "evidence"}
    assert json.dumps(doc)  # plain JSON values only
