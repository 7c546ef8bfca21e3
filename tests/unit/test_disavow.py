"""The disavow file: the checker rejects each kind of invalid file; the writer's output passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkatlas.analyze.reports import DisavowEntry, DisavowReport
from linkatlas.errors import InputError, SourceNotFoundError
from linkatlas.export.disavow import (
    MAX_BYTES,
    MAX_LINES,
    check_disavow,
    check_disavow_file,
    format_disavow,
    write_disavow,
)

VALID = (
    "# Contacted the owner of spamdomain1.com on 7/1/2012, no answer\n"
    "\n"
    "domain:spamdomain1.com\n"
    "domain:sub.spamdomain3.co.uk\n"
    "http://www.spamdomain2.com/contentA.html\n"
    "https://www.spamdomain2.com/contentB.html?x=1\n"
)


def problems(text: str | bytes, name: str = "disavow.txt") -> list[tuple[int, str]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [(p.line, p.problem) for p in check_disavow(data, name=name).problems]


def test_valid_ascii_file_and_summary() -> None:
    report = check_disavow(VALID.encode(), name="disavow.txt")
    assert report.valid and report.problems == []
    assert (report.encoding, report.lines, report.bytes) == ("ascii", 6, len(VALID))
    assert (report.domains, report.urls, report.comments, report.blank_lines) == (2, 2, 1, 1)


def test_valid_utf8_with_bom_crlf_and_unicode_domains() -> None:
    text = "\ufeff# Spam, ça suffit\r\ndomain:münchen-spam.de\r\nhttps://例え.jp/ページ\r\n"
    report = check_disavow(text.encode("utf-8"), name="list.TXT")
    assert report.valid, report.problems
    assert (report.encoding, report.lines, report.domains, report.urls) == ("utf-8", 3, 1, 1)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("domain:example.com/en/", "subpath"),
        ("domain:example.com/", "subpath"),
        ("domain:https://example.com", "not a URL"),
        ("domain:*.example.com", "wildcard"),
        ("domain:", "without a domain"),
        ("domain:example com", "spaces"),
        ("domain:localhost", "not a domain name"),
        ("domain:exa_mple.com:80", "not a domain name"),
        ("Domain:example.com", "lower case"),
        ("example.com", "bare domain"),
        ("www.example.com/page.html", "bare domain"),
        ("ftp://example.com/file", "only http and https"),
        ("just some words", "not a comment"),
        ("http://exa mple.com/a", "spaces"),
        ("https://", "not a valid URL"),
        ("domain:example.com\x00", "control character"),
        ("https://example.com/" + "a" * 2048, "at most 2,048"),
    ],
)
def test_each_malformed_line_is_one_problem_with_its_number(line: str, needle: str) -> None:
    found = problems(f"# fine\ndomain:ok.com\n{line}\nhttps://ok.com/x\n")
    assert len(found) == 1, found
    assert found[0][0] == 3 and needle in found[0][1]


def test_url_of_exactly_2048_characters_is_fine() -> None:
    url = "https://example.com/" + "a" * (2048 - len("https://example.com/"))
    assert len(url) == 2048 and problems(url + "\n") == []


def test_not_utf8() -> None:
    latin1 = "domain:ok.com\n# caf\xe9 spam\ndomain:b\xe9b\xe9.com\n".encode("latin-1")
    found = problems(latin1)
    assert [line for line, _ in found] == [2, 3]
    assert all("not UTF-8" in problem for _, problem in found)
    assert check_disavow(latin1, name="disavow.txt").encoding is None
    utf16 = VALID.encode("utf-16")
    assert problems(utf16) == [(0, "the file is UTF-16: save it as UTF-8")]


def test_too_many_lines() -> None:
    text = "domain:ok.com\n" * (MAX_LINES + 1)
    found = problems(text)
    assert len(found) == 1 and found[0][0] == MAX_LINES + 1 and "100,000" in found[0][1]
    assert problems("domain:ok.com\n" * MAX_LINES) == []


def test_too_big() -> None:
    line = "# " + "x" * 998 + "\n"
    text = line * (MAX_BYTES // len(line) + 1)
    found = problems(text)
    assert len(found) == 1 and found[0][0] == 0 and "2 MB" in found[0][1]


def test_file_name_must_end_in_txt() -> None:
    assert problems(VALID, name="disavow.csv") == [
        (0, "the file name must end in .txt (disavow.csv)")
    ]


def test_check_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "disavow.txt"
    path.write_text(VALID)
    assert check_disavow_file(path).valid
    with pytest.raises(SourceNotFoundError):
        check_disavow_file(tmp_path / "missing.txt")
    with pytest.raises(SourceNotFoundError):
        check_disavow_file(tmp_path)


def test_writer_merges_sorts_and_passes_the_checker() -> None:
    text = format_disavow(
        [
            DisavowEntry("Spam.example.", ["sitewide footer links"]),
            DisavowEntry("farm.example", ["link farm"]),
            DisavowEntry("spam.example", ["sitewide footer links", "low DR"]),
        ],
        header=["Disavow file for target.com"],
    )
    assert text == (
        "# Disavow file for target.com\n"
        "\n"
        "# link farm\n"
        "domain:farm.example\n"
        "# sitewide footer links; low DR\n"
        "domain:spam.example\n"
    )
    assert check_disavow(text.encode(), name="disavow.txt").valid


def test_reasons_from_pages_cannot_break_out_of_their_comment() -> None:
    hostile = "anchor text\ndomain:victim.com\r\nhttps://victim.com/\x00"
    text = format_disavow([DisavowEntry("spam.example", [hostile])])
    lines = text.splitlines()
    assert lines == [
        "# anchor text domain:victim.com https://victim.com/",
        "domain:spam.example",
    ]
    long = format_disavow([DisavowEntry("spam.example", ["x" * 5000])])
    assert len(long.splitlines()[0]) <= 1002


@pytest.mark.parametrize("domain", ["example.com/en/", "https://example.com", "*.x.com", "x", ""])
def test_writer_refuses_what_cannot_be_a_domain_line(domain: str) -> None:
    with pytest.raises(InputError):
        format_disavow([DisavowEntry(domain, [])])


def test_writer_refuses_a_file_over_the_limits() -> None:
    entries = [DisavowEntry(f"d{i}.example", ["r"]) for i in range(MAX_LINES // 2 + 1)]
    with pytest.raises(InputError, match="limits"):
        format_disavow(entries)


def test_write_to_a_txt_file(tmp_path: Path) -> None:
    report = DisavowReport("target.com", "s1", None, 1, [DisavowEntry("spam.example", ["r"])])
    written = write_disavow(report, tmp_path / "disavow.txt")
    assert written.out == str(tmp_path / "disavow.txt")
    assert check_disavow_file(tmp_path / "disavow.txt").valid
    assert "domain:spam.example" in (tmp_path / "disavow.txt").read_text()
    with pytest.raises(InputError, match=r"\.txt"):
        write_disavow(report, tmp_path / "disavow.csv")
