"""Writing small WARC files for tests: response records with given URL, date, status, body."""

from __future__ import annotations

import gzip
import uuid
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Response:
    url: str
    body: str = ""
    status: int = 200
    date: str = "2026-01-15T10:00:00Z"
    headers: dict[str, str] = field(default_factory=dict)
    ip: str = "192.0.2.1"


def response_record(resp: Response) -> bytes:
    body = resp.body.encode("utf-8")
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}.get(
        resp.status, "Status"
    )
    http_headers = {"Content-Type": "text/html; charset=utf-8", **resp.headers}
    http_headers["Content-Length"] = str(len(body))
    http = (
        f"HTTP/1.1 {resp.status} {reason}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in http_headers.items())
        + "\r\n"
    ).encode("latin-1") + body
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, resp.url + resp.date)
    head = (
        "WARC/1.1\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Date: {resp.date}\r\n"
        f"WARC-Target-URI: {resp.url}\r\n"
        f"WARC-IP-Address: {resp.ip}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n"
        "\r\n"
    ).encode("latin-1")
    return head + http + b"\r\n\r\n"


def write_warc(path: Path, responses: list[Response], *, compress: bool = True) -> Path:
    """A WARC of the responses (one gzip member per record when compressed)."""
    with path.open("wb") as out:
        for resp in responses:
            record = response_record(resp)
            out.write(gzip.compress(record) if compress else record)
    return path
