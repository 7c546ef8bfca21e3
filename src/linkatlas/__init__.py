"""LinkAtlas: an open, self-hosted backlink index and link-authority engine.

The Python API is the same functions the CLI calls::

    import linkatlas
    links = linkatlas.extract_links(html_bytes, "https://example.com/page")
"""

from __future__ import annotations

from linkatlas.analyze.anchors import anchors, categorize_anchor
from linkatlas.analyze.backlinks import backlinks, profile, refdomains
from linkatlas.analyze.disavow import disavow
from linkatlas.analyze.history import changes, history
from linkatlas.analyze.opportunities import broken, intersect, outlinks, pages
from linkatlas.analyze.risk import risk
from linkatlas.errors import LinkAtlasError
from linkatlas.export.disavow import check_disavow_file, write_disavow
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_links, extract_page
from linkatlas.rank.pagerank import pagerank
from linkatlas.records import ExtractedPage, Link, PageInfo
from linkatlas.sources.warc import iter_warc_pages
from linkatlas.store.connection import open_store
from linkatlas.store.ingest import ingest_warc_files

__version__ = "0.1.0"

__all__ = [
    "DomainResolver",
    "ExtractedPage",
    "Link",
    "LinkAtlasError",
    "PageInfo",
    "__version__",
    "anchors",
    "backlinks",
    "broken",
    "categorize_anchor",
    "changes",
    "check_disavow_file",
    "disavow",
    "extract_links",
    "extract_page",
    "history",
    "ingest_warc_files",
    "intersect",
    "iter_warc_pages",
    "open_store",
    "outlinks",
    "pagerank",
    "pages",
    "profile",
    "refdomains",
    "risk",
    "write_disavow",
]
