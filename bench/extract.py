"""Link extraction speed: LinkAtlas against the raw parser and two peers, on real pages.

Runs every page of ``../shared/data/warc/real-pages-a.warc.gz`` (relative to the repository
root; ``--warc`` names another WARC file, such as a Common Crawl one), read and
decompressed into memory before any timing, through four contenders in the same process, on
the same pages:

1. selectolax Lexbor parse alone, ``LexborHTMLParser(body)`` (the limit);
2. LinkAtlas ``extract_page`` (decoding, resolution, domains, flags, position), one shared
   ``DomainResolver``;
3. ``BeautifulSoup(body, "lxml")``, ``find_all("a", href=True)`` and ``urljoin``;
4. Scrapy ``LinkExtractor(unique=False).extract_links(HtmlResponse(...))``.

Each repetition runs every contender once over all pages; the rate is pages (and MB, 10^6
bytes of HTTP body) per second of this process's CPU time, i.e. on one core, median of the
repetitions after one warm-up run. Then it prints the ratios of (2) to the others against the
targets of issue 3, and checks per page that (2), (3) and (4) find the same ``<a href>``
links, explaining every difference by category.

    .venv/bin/python bench/extract.py [--warc FILE] [--repeat N] [--limit PAGES] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from extract_counts import (
    WARC,
    BenchPage,
    CountReport,
    check_counts,
    counts_summary,
    fresh_resolver,
    load_pages,
    print_counts,
    progress,
    scrapy_response,
)
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_page

try:
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
    from scrapy.linkextractors import LinkExtractor
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.exit(
        f"bench/extract.py needs the bench extras ({exc.name} is missing): "
        "run `make bench` or `.venv/bin/pip install -e '.[test,bench]'`"
    )

MB = 1_000_000
TARGETS: dict[str, float] = {"lexbor": 0.35, "scrapy": 5.0, "bs4": 25.0}


Runner = Callable[[BenchPage], int]
"""Processes one page, returns the number of links found (0 for the parse alone)."""


@dataclass(slots=True)
class Contender:
    key: str
    label: str
    prepare: Callable[[], Runner]
    """Called before each run, outside the timing (e.g. to build a fresh resolver)."""
    info: bool = False
    """Shown for information; not part of the issue's targets."""
    times: list[float] = field(default_factory=list)
    links: int = 0


# --- the contenders ---------------------------------------------------------------------------


def run_lexbor(page: BenchPage) -> int:
    LexborHTMLParser(page.body)
    return 0


def linkatlas_runner(resolver: DomainResolver) -> Runner:
    def run(page: BenchPage) -> int:
        extracted = extract_page(
            page.body, page.url, headers=page.headers, resolver=resolver, charset=page.charset
        )
        return len(extracted.links)

    return run


def join_url(base: str, href: str) -> str | None:
    """``urljoin``, or None where it raises (``http://[not-an-ip]/``), as Scrapy skips those."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def run_bs4(page: BenchPage) -> int:
    soup = BeautifulSoup(page.body, "lxml")
    urls = [join_url(page.url, str(a["href"])) for a in soup.find_all("a", href=True)]
    return len(urls)


def scrapy_runner(extractor: Any) -> Runner:
    def run(page: BenchPage) -> int:
        return len(extractor.extract_links(scrapy_response(page)))

    return run


def build_contenders() -> list[Contender]:
    shared = fresh_resolver()
    scrapy_extractor = LinkExtractor(unique=False)
    return [
        Contender("lexbor", "(1) selectolax Lexbor parse alone", lambda: run_lexbor),
        Contender("linkatlas", "(2) LinkAtlas extract_page", lambda: linkatlas_runner(shared)),
        Contender("bs4", "(3) BeautifulSoup(lxml) + find_all + urljoin", lambda: run_bs4),
        Contender(
            "scrapy",
            "(4) Scrapy LinkExtractor(unique=False)",
            lambda: scrapy_runner(scrapy_extractor),
        ),
        Contender(
            "linkatlas_cold",
            "    LinkAtlas, new DomainResolver each run",
            lambda: linkatlas_runner(fresh_resolver()),
            info=True,
        ),
    ]


def time_run(pages: list[BenchPage], run: Runner) -> tuple[float, int]:
    """CPU seconds of one pass over all pages, and the links found."""
    gc.collect()
    found = 0
    start = time.process_time()
    for page in pages:
        found += run(page)
    return time.process_time() - start, found


def measure(pages: list[BenchPage], contenders: list[Contender], repeat: int) -> None:
    for rep in range(repeat + 1):
        what = "warm-up" if rep == 0 else f"repetition {rep}/{repeat}"
        progress(f"{what} ...")
        for contender in contenders:
            seconds, found = time_run(pages, contender.prepare())
            contender.links = found
            if rep > 0:
                contender.times.append(seconds)


# --- output ---------------------------------------------------------------------------------


def summarize(
    warc: Path,
    pages: list[BenchPage],
    contenders: list[Contender],
    repeat: int,
    report: CountReport | None,
) -> dict[str, Any]:
    size = sum(len(page.body) for page in pages)
    rows = []
    rates: dict[str, float] = {}
    for contender in contenders:
        median = statistics.median(contender.times)
        rates[contender.key] = len(pages) / median
        rows.append(
            {
                "key": contender.key,
                "label": contender.label.strip(),
                "pages_per_s": round(len(pages) / median, 1),
                "mb_per_s": round(size / MB / median, 2),
                "median_s": round(median, 4),
                "times_s": [round(t, 4) for t in contender.times],
                "spread": round((max(contender.times) - min(contender.times)) / median, 4),
                "links_per_run": contender.links,
                "info": contender.info,
            }
        )
    ratios = []
    for key, target in TARGETS.items():
        ratio = rates["linkatlas"] / rates[key]
        cold = rates["linkatlas_cold"] / rates[key]
        ratios.append(
            {
                "to": key,
                "ratio": round(ratio, 4),
                "target": target,
                "pass": ratio >= target,
                "ratio_new_resolver": round(cold, 4),
            }
        )
    result: dict[str, Any] = {
        "warc": str(warc),
        "pages": len(pages),
        "bytes": size,
        "repeat": repeat,
        "timer": "time.process_time (CPU time of this single-threaded process)",
        "contenders": rows,
        "ratios": ratios,
    }
    if report is not None:
        result["counts"] = counts_summary(report)
    return result


def format_ratio(key: str, ratio: float) -> str:
    return f"{ratio:.1%}" if key == "lexbor" else f"{ratio:.2f}x"


def print_text(result: dict[str, Any]) -> None:
    print(
        f"{result['pages']} pages, {result['bytes'] / MB:.1f} MB of HTML "
        f"from {Path(result['warc']).name}, in memory; median of {result['repeat']} runs "
        "after a warm-up, CPU time of one core"
    )
    print()
    print(f"{'contender':<48} {'pages/s':>9} {'MB/s':>8} {'spread':>7} {'links/run':>10}")
    for row in result["contenders"]:
        label = row["label"] if not row["info"] else "    " + row["label"] + " (info)"
        print(
            f"{label:<48} {row['pages_per_s']:>9.1f} {row['mb_per_s']:>8.2f} "
            f"{row['spread']:>7.1%} {row['links_per_run']:>10}"
        )
    print()
    names = {"lexbor": "(1) raw Lexbor parse", "scrapy": "(4) Scrapy", "bs4": "(3) BeautifulSoup"}
    print(f"{'LinkAtlas (2) relative to':<30} {'measured':>9} {'target':>10}")
    for ratio in result["ratios"]:
        key = ratio["to"]
        verdict = "PASS" if ratio["pass"] else "MISS"
        measured = format_ratio(key, ratio["ratio"])
        target = ">= " + format_ratio(key, ratio["target"])
        cold = format_ratio(key, ratio["ratio_new_resolver"])
        print(f"{names[key]:<30} {measured:>9} {target:>10}  {verdict}   (new resolver: {cold})")
    if "counts" in result:
        print()
        print_counts(result["counts"])


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--warc", type=Path, default=WARC, metavar="FILE", help="the pages (real-pages-a)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per contender (5)")
    parser.add_argument(
        "--limit", type=int, default=None, metavar="PAGES", help="use only the first PAGES pages"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--no-check", action="store_true", help="skip the per-page link count check"
    )
    args = parser.parse_args(None if argv is None else list(argv))
    if args.repeat < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--repeat and --limit take a positive number")
    return args


def main(argv: Iterable[str] | None = None) -> None:
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
    pages = load_pages(args.warc, args.limit)
    progress(f"{len(pages)} pages loaded into memory")
    contenders = build_contenders()
    measure(pages, contenders, args.repeat)
    report = None if args.no_check else check_counts(pages)
    result = summarize(args.warc, pages, contenders, args.repeat, report)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_text(result)


if __name__ == "__main__":
    main()
