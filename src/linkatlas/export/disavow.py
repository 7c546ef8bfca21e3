"""Google disavow files: writing one from (domain, reasons) pairs, and checking one.

The format (Google Search Console help, "Disavow links to your site"): a text file in UTF-8
or 7-bit ASCII whose name ends in ``.txt``; one entry per line, either ``domain:example.com``
(every link from that site and its subdomains) or a page URL; lines starting with ``#`` are
comments. Limits: at most 100,000 lines (blank and comment lines count) and 2 MB, URLs at
most 2,048 characters, and a ``domain:`` line cannot name a subpath (``domain:example.com/en/``
disavows nothing). 2 MB is read as 2,000,000 bytes, the stricter reading, so that a file
this checker accepts is never refused for its size.

The writer puts each domain's reasons on a comment line right above it, keeps page text
from breaking out of its comment (line breaks and control characters become spaces), and
checks its own output against the same limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from linkatlas.analyze.reports import (
    DisavowCheckReport,
    DisavowEntry,
    DisavowProblem,
    DisavowReport,
)
from linkatlas.errors import InputError, SourceNotFoundError
from linkatlas.extract.urls import host_of, normalize_url

MAX_LINES = 100_000
MAX_BYTES = 2_000_000
MAX_URL_CHARS = 2_048
MAX_COMMENT_CHARS = 1_000
"""A reason longer than this is cut (with ``…``) in the written file."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")
_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BARE_DOMAIN = re.compile(r"^[^\s/:@]+\.[^\s/:@]+(/.*)?$")


# -- checking ------------------------------------------------------------------------------


def domain_problem(domain: str) -> str | None:
    """What is wrong with the domain of a ``domain:`` line, or None when it is fine."""
    if not domain:
        return "domain: without a domain (write domain:example.com)"
    if "://" in domain:
        return "a domain: line takes a domain, not a URL (write domain:example.com)"
    if "/" in domain:
        return (
            "a domain: line cannot name a subpath (domain:example.com, not "
            "domain:example.com/en/); list the page URLs on their own lines instead"
        )
    if "*" in domain:
        return "wildcards are not allowed: domain:example.com already covers its subdomains"
    if any(ch.isspace() for ch in domain):
        return "spaces in a domain: one entry per line"
    labels = domain.rstrip(".").split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        return f"{domain!r} is not a domain name (write domain:example.com)"
    if any(len(label) > 63 for label in labels):
        return f"{domain!r} has a label longer than 63 characters"
    return None


def url_problem(url: str) -> str | None:
    """What is wrong with a URL line, or None when it is fine."""
    if len(url) > MAX_URL_CHARS:
        return f"URL of {len(url):,} characters: Google takes at most {MAX_URL_CHARS:,}"
    if any(ch.isspace() for ch in url):
        return "spaces in a URL: one URL per line, spaces percent-encoded (%20)"
    normal = normalize_url(url)
    if normal is None or not host_of(normal):
        return "not a valid URL"
    return None


def line_problem(text: str) -> tuple[str, str | None]:
    """The kind of one decoded line (``blank``, ``comment``, ``domain``, ``url`` or ``bad``)
    and what is wrong with it, if anything."""
    if _CONTROL.search(text):
        return "bad", "control character in the line (save the file as plain text)"
    stripped = text.strip()
    if not stripped:
        return "blank", None
    if stripped.startswith("#"):
        return "comment", None
    if stripped.lower().startswith("domain:"):
        if not stripped.startswith("domain:"):
            return "domain", "write the prefix in lower case: domain:"
        return "domain", domain_problem(stripped[len("domain:") :].strip())
    lowered = stripped.lower()
    if lowered.startswith(("http://", "https://")):
        return "url", url_problem(stripped)
    if _SCHEME.match(stripped) and "://" in stripped:
        return "bad", "only http and https URLs can be disavowed"
    if _BARE_DOMAIN.match(stripped):
        return "bad", (
            "a bare domain or URL without a scheme: write domain:example.com for a whole "
            "site, or the full URL (https://...) for one page"
        )
    return "bad", "not a comment (#), a domain: line or an http(s) URL"


def _split_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def check_disavow(data: bytes, *, name: str) -> DisavowCheckReport:
    """Check a disavow file's bytes against Google's format and limits; one problem per line."""
    problems: list[DisavowProblem] = []
    if not name.lower().endswith(".txt"):
        problems.append(DisavowProblem(0, f"the file name must end in .txt ({name})"))
    if len(data) > MAX_BYTES:
        problems.append(
            DisavowProblem(0, f"{len(data):,} bytes: Google takes at most 2 MB ({MAX_BYTES:,})")
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(DisavowProblem(0, "the file is UTF-16: save it as UTF-8"))
        return _report(name, data, None, 0, {}, problems)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = _split_lines(body)
    if len(lines) > MAX_LINES:
        problems.append(
            DisavowProblem(
                MAX_LINES + 1,
                f"the file has {len(lines):,} lines: Google takes at most {MAX_LINES:,} "
                f"(blank and comment lines count)",
            )
        )
    kinds: dict[str, int] = {}
    encoding: str | None = "ascii" if body.isascii() else "utf-8"
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            encoding = None
            problems.append(
                DisavowProblem(
                    number,
                    f"not UTF-8 (byte 0x{raw[exc.start]:02X} at column {exc.start + 1}): "
                    f"save the file as UTF-8",
                )
            )
            continue
        kind, problem = line_problem(text)
        kinds[kind] = kinds.get(kind, 0) + 1
        if problem is not None:
            problems.append(DisavowProblem(number, problem))
    problems.sort(key=lambda p: p.line)
    return _report(name, data, encoding, len(lines), kinds, problems)


def _report(
    name: str,
    data: bytes,
    encoding: str | None,
    lines: int,
    kinds: dict[str, int],
    problems: list[DisavowProblem],
) -> DisavowCheckReport:
    return DisavowCheckReport(
        file=name,
        valid=not problems,
        encoding=encoding,
        bytes=len(data),
        lines=lines,
        domains=kinds.get("domain", 0),
        urls=kinds.get("url", 0),
        comments=kinds.get("comment", 0),
        blank_lines=kinds.get("blank", 0),
        problems=problems,
    )


def check_disavow_file(path: Path) -> DisavowCheckReport:
    """Check the disavow file at ``path``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceNotFoundError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise SourceNotFoundError(f"{path} is a directory: give a disavow .txt file") from exc
    except OSError as exc:
        raise SourceNotFoundError(f"cannot read {path}: {exc.strerror}") from exc
    return check_disavow(data, name=path.name)


# -- writing -------------------------------------------------------------------------------


def comment_text(text: str) -> str:
    """Text safe on one comment line: no line breaks or control characters, one space."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return flat if len(flat) <= MAX_COMMENT_CHARS else flat[: MAX_COMMENT_CHARS - 1] + "…"


def merge_entries(entries: Iterable[DisavowEntry]) -> list[DisavowEntry]:
    """One entry per domain (lower-cased), reasons of duplicates joined, sorted by domain.

    InputError for a domain that cannot stand on a ``domain:`` line.
    """
    merged: dict[str, list[str]] = {}
    for entry in entries:
        domain = entry.domain.strip().lower().rstrip(".")
        problem = domain_problem(domain)
        if problem is not None:
            raise InputError(f"cannot disavow {entry.domain!r}: {problem}")
        reasons = merged.setdefault(domain, [])
        reasons.extend(r for r in entry.reasons if r not in reasons)
    return [DisavowEntry(domain, merged[domain]) for domain in sorted(merged)]


def format_disavow(entries: Iterable[DisavowEntry], *, header: Sequence[str] = ()) -> str:
    """The text of a disavow file: header comments, then per domain its reasons and line."""
    lines = [f"# {comment_text(line)}" for line in header]
    if lines:
        lines.append("")
    for entry in merge_entries(entries):
        if entry.reasons:
            lines.append("# " + comment_text("; ".join(entry.reasons)))
        lines.append(f"domain:{entry.domain}")
    text = "\n".join(lines) + "\n"
    check = check_disavow(text.encode("utf-8"), name="disavow.txt")
    if not check.valid:
        first = check.problems[0]
        raise InputError(f"the disavow file would break Google's limits: {first.problem}")
    return text


def disavow_header(report: DisavowReport) -> list[str]:
    return [
        f"Disavow file for {report.target}, written by LinkAtlas from snapshot {report.snapshot}.",
        "Each domain: line follows the reasons it was selected for.",
    ]


def render_disavow(report: DisavowReport) -> str:
    """The disavow file of a report's entries, with a header naming target and snapshot."""
    return format_disavow(report.items, header=disavow_header(report))


def write_disavow(report: DisavowReport, path: Path) -> DisavowReport:
    """Write the report's disavow file to ``path`` (UTF-8); the report, with ``out`` set."""
    if path.suffix.lower() != ".txt":
        raise InputError(f"{path}: Google takes only files whose name ends in .txt")
    text = render_disavow(report)
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    return replace(report, out=str(path))
