"""Stream the HTML responses of a WARC file (``.warc`` or ``.warc.gz``) as FetchedPages.

Records are read one at a time by FastWARC; a file is never loaded whole. Every record
read is counted by outcome in :class:`WarcStats`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from fastwarc.stream_io import GzipReader
from fastwarc.warc import ArchiveIterator, WarcRecordType

from linkatlas.errors import NotAWarcError, SourceNotFoundError
from linkatlas.records import FetchedPage

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
SNIFF_TYPES = ("", "text/plain", "application/octet-stream", "unknown/unknown")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<a ", b"<title")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(slots=True)
class WarcStats:
    """What happened to every record of the files read."""

    files: int = 0
    records: int = 0
    responses: int = 0
    html: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    truncated: int = 0

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "records": self.records,
            "responses": self.responses,
            "html": self.html,
            "truncated": self.truncated,
            "skipped": dict(sorted(self.skipped.items())),
        }


def is_html(content_type: str | None, body_start: bytes) -> bool:
    """HTML by its HTTP Content-Type, or by sniffing the first bytes when the type is generic."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in HTML_TYPES:
        return True
    if mime not in SNIFF_TYPES:
        return False
    head = body_start[:1024].lstrip().lower()
    return any(marker in head for marker in _HTML_MARKERS)


def _open(path: Path) -> tuple[Any, Callable[[], int], IO[bytes]]:
    """The stream to parse, a function telling how many file bytes were read, the raw file."""
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise SourceNotFoundError(f"{path}: cannot be read ({exc.strerror})") from exc
    magic = raw.read(2)
    raw.seek(0)
    if magic == GZIP_MAGIC:
        gz = GzipReader(raw)
        return gz, gz.inner_tell, raw
    return raw, raw.tell, raw


def _parse_date(value: str | None, fallback: datetime | None) -> datetime:
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return fallback or datetime(1970, 1, 1, tzinfo=UTC)


def iter_warc_pages(
    path: Path,
    *,
    stats: WarcStats | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    skip_records: int = 0,
    on_record: Callable[[int, int], None] | None = None,
) -> Iterator[FetchedPage]:
    """Yield the HTML responses of one WARC file, lazily.

    ``skip_records`` passes over that many records first (to resume an interrupted ingest).
    ``on_record(records_read, file_bytes_read)`` is called after every record.
    Bodies longer than ``max_bytes`` are cut there. Raises :class:`NotAWarcError` when the
    file holds no WARC record at all.
    """
    stats = stats if stats is not None else WarcStats()
    stream, tell, raw = _open(path)
    stats.files += 1
    records = 0
    try:
        iterator = ArchiveIterator(
            stream,
            parse_http=True,
            fsspec_args=False,
            stream_detect=False,
            auto_decode="all",
        )
        for record in iterator:
            records += 1
            if records <= skip_records:
                if on_record:
                    on_record(records, tell())
                continue
            stats.records += 1
            page = _page_of(record, stats, max_bytes)
            if on_record:
                on_record(records, tell())
            if page is not None:
                yield page
    except OSError as exc:
        if records == 0:
            raise NotAWarcError(
                f"{path}: not a readable WARC file ({exc}); give a .warc or .warc.gz file"
            ) from exc
        log.warning("%s: stopped after %d records: %s", path, records, exc)
        stats.skip("truncated_file")
    finally:
        raw.close()
    if records == 0:
        raise NotAWarcError(f"{path}: no WARC records found; give a .warc or .warc.gz file")


def _page_of(record: Any, stats: WarcStats, max_bytes: int) -> FetchedPage | None:
    if record.record_type != WarcRecordType.response:
        stats.skip(str(record.record_type).rsplit(".", 1)[-1])
        return None
    stats.responses += 1
    url = record.headers.get("WARC-Target-URI")
    if not url:
        stats.skip("no_target_uri")
        return None
    url = url.strip().strip("<>")
    if not url.lower().startswith(("http://", "https://")):
        stats.skip("not_http")
        return None
    http = record.http_headers
    if http is None:
        stats.skip("bad_http")
        return None
    content_type = record.http_content_type
    try:
        body: bytes = record.reader.read(max_bytes + 1)
    except OSError:
        stats.skip("bad_content_encoding")
        return None
    if len(body) > max_bytes:
        body = body[:max_bytes]
        stats.truncated += 1
    status = int(http.status_code or 0)
    if not is_html(content_type, body) and not 300 <= status < 400:
        stats.skip("not_html")
        return None
    stats.html += 1
    headers = tuple((str(k), str(v)) for k, v in http.items())
    location = next((v for k, v in headers if k.lower() == "location"), None)
    captured = record.record_date or _parse_date(record.headers.get("WARC-Date"), None)
    if captured.tzinfo is None:
        captured = captured.replace(tzinfo=UTC)
    return FetchedPage(
        url=url,
        captured_at=captured,
        status=status,
        headers=headers,
        body=body,
        content_type=content_type,
        charset=record.http_charset,
        ip=record.headers.get("WARC-IP-Address"),
        location=location if 300 <= status < 400 else None,
    )
