"""``linkatlas extract``: the links of one HTML file, or of every page of a WARC file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from linkatlas.cli import output
from linkatlas.cli.options import JsonOption
from linkatlas.config import Settings
from linkatlas.errors import InputError, SourceNotFoundError
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_page
from linkatlas.extract.urls import normalize_url
from linkatlas.records import ExtractedPage, ExtractStats
from linkatlas.sources.warc import GZIP_MAGIC, iter_warc_pages
from linkatlas.store.ingest import extract_fetched


def register(app: typer.Typer) -> None:
    app.command()(extract)


def page_document(extracted: ExtractedPage, **extra: Any) -> dict[str, Any]:
    """The JSON object of one page: its facts, its links and the counts."""
    page = extracted.page
    return {
        "url": page.url,
        **extra,
        "title": page.title,
        "canonical_url": page.canonical_url,
        "robots_nofollow": page.robots_nofollow,
        "robots_noindex": page.robots_noindex,
        "links": [output.to_jsonable(link) for link in extracted.links],
        "stats": extracted.stats.as_dict(),
    }


def is_warc(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4)
    return head.startswith(b"WARC") or head.startswith(GZIP_MAGIC)


def extract(
    file: Annotated[Path, typer.Argument(help="An HTML file, or a .warc/.warc.gz file.")],
    url: Annotated[
        str | None, typer.Option("--url", help="Address the HTML file was served from.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Print the links of a page (JSON: one object), or of each page of a WARC (JSON lines)."""
    if not file.is_file():
        raise SourceNotFoundError(f"{file}: no such file")
    settings = Settings.load()
    resolver = DomainResolver()
    if is_warc(file):
        extract_warc(file, resolver=resolver, settings=settings, json=json)
        return
    if url is None:
        raise InputError(f"{file}: give --url, the address the page was served from")
    page_url = normalize_url(url)
    if page_url is None or not page_url.startswith(("http://", "https://")):
        raise InputError(f"--url {url!r} is not an absolute http(s) URL")
    extracted = extract_page(
        file.read_bytes(), page_url, resolver=resolver, max_bytes=settings.max_page_bytes
    )
    if json:
        output.print_json(page_document(extracted))
    else:
        show_links(extracted)


def extract_warc(path: Path, *, resolver: DomainResolver, settings: Settings, json: bool) -> None:
    totals = ExtractStats()
    rows = []
    for fetched in iter_warc_pages(path, max_bytes=settings.max_page_bytes):
        page_url = normalize_url(fetched.url)
        if page_url is None:
            continue
        extracted = extract_fetched(
            fetched, page_url, resolver=resolver, max_bytes=settings.max_page_bytes
        )
        if extracted is None:
            extracted = extract_page(b"", page_url, resolver=resolver)
        totals.merge(extracted.stats)
        if json:
            output.print_json(
                page_document(extracted, status=fetched.status, captured_at=fetched.captured_at),
                lines=True,
            )
        else:
            external = sum(1 for link in extracted.links if not link.internal)
            rows.append((page_url, fetched.status, len(extracted.links), external))
    if not json:
        output.console().print(
            output.table(
                f"Pages of {path.name}",
                ("url", "status", "links", "external"),
                rows,
                caption=f"{totals.pages:,} pages, {totals.links_kept:,} links kept, "
                f"{totals.links_dropped:,} dropped",
            )
        )


def show_links(extracted: ExtractedPage) -> None:
    output.console().print(
        output.table(
            f"Links of {extracted.page.url}",
            ("url", "anchor", "kind", "rel", "position", "internal"),
            [
                (lk.url, lk.anchor, lk.kind, " ".join(lk.rel), lk.position, lk.internal)
                for lk in extracted.links
            ],
            caption=f"{extracted.stats.links_kept:,} links kept, "
            f"{extracted.stats.links_dropped:,} dropped {extracted.stats.dropped}",
        )
    )
