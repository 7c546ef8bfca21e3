"""LinkAtlas: an open, self-hosted backlink index and link-authority engine.

The Python API is the same functions the CLI calls::

    import linkatlas
    links = linkatlas.extract_links(html_bytes, "https://example.com/page")
"""

from __future__ import annotations

from linkatlas.analyze.backlinks import backlinks, profile, refdomains
from linkatlas.errors import LinkAtlasError
from linkatlas.extract.domains import DomainResolver
from linkatlas.extract.html import extract_links, extract_page
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
    "backlinks",
    "extract_links",
    "extract_page",
    "ingest_warc_files",
    "iter_warc_pages",
    "open_store",
    "profile",
    "refdomains",
]
