"""Anchor categories: each rule, its order, and the languages of the generic phrases."""

from __future__ import annotations

import pytest

from linkatlas.analyze.anchors import (
    GENERIC_PHRASES,
    anchor_rules,
    brand_from_domain,
    categorize_anchor,
    generic_key,
    is_naked_url,
    known_tlds,
)
from linkatlas.analyze.reports import ANCHOR_CATEGORIES

RULES = anchor_rules(["quietnomaddaily"], ["travel backpacks", "ultralight tent"])


def category(anchor: str, *, image: bool = False) -> str:
    return categorize_anchor(anchor, image=image, rules=RULES)


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        # branded: case, spaces, hyphens and punctuation ignored; words glued in a run
        ("Quiet Nomad Daily", "branded"),
        ("quietnomaddaily", "branded"),
        ("QUIET-NOMAD-DAILY", "branded"),
        ("Quiet Nomad Daily's guide to Lisbon", "branded"),
        ("via QuietNomad Daily", "branded"),
        ("quiet nomad", "other"),
        # exact and partial match
        ("travel backpacks", "exact"),
        ("Travel-Backpacks!", "exact"),
        ("ULTRALIGHT TENT", "exact"),
        ("best travel backpacks 2026", "partial"),
        ("backpacks for travel", "partial"),
        ("travel", "other"),
        # naked URLs, even with the brand inside
        ("quietnomaddaily.com", "naked_url"),
        ("https://quietnomaddaily.com/gear?x=1", "naked_url"),
        ("www.quietnomaddaily.com", "naked_url"),
        ("QuietNomadDaily.com/", "naked_url"),
        ("shop.example.co.uk/page", "naked_url"),
        ("example.com:8080/x", "naked_url"),
        ("münchen.de", "naked_url"),
        ("http://localhost:8000", "naked_url"),
        ("Node.js", "other"),
        ("v2.0", "other"),
        ("info@quietnomaddaily.com", "branded"),
        # generic, many languages
        ("click here", "generic"),
        ("Read more »", "generic"),
        ("Website", "generic"),
        ("hier klicken", "generic"),
        ("Weiterlesen …", "generic"),
        ("más información", "generic"),
        ("en savoir plus", "generic"),
        ("Plus d\u2019informations", "generic"),
        ("saiba mais", "generic"),
        ("leggi di più", "generic"),
        ("lees meer", "generic"),
        ("подробнее", "generic"),
        ("詳しくはこちら", "generic"),
        ("阅读更多", "generic"),
        ("閱讀全文", "generic"),
        # empty and other
        ("", "empty"),
        ("   ", "empty"),
        ("»", "empty"),
        ("→ …", "empty"),
        ("A great read about Lisbon", "other"),
    ],
)
def test_text_anchor_categories(anchor: str, expected: str) -> None:
    assert category(anchor) == expected


def test_image_links_are_image_whatever_their_alt() -> None:
    assert category("Quiet Nomad Daily logo", image=True) == "image"
    assert category("", image=True) == "image"
    assert category("travel backpacks", image=True) == "image"


def test_rule_order() -> None:
    # a naked URL beats the brand; the brand beats keywords; exact beats generic
    assert category("quietnomaddaily.com/travel-backpacks") == "naked_url"
    assert category("Quiet Nomad Daily travel backpacks") == "branded"
    rules = anchor_rules([], ["website"])
    assert categorize_anchor("Website", image=False, rules=rules) == "exact"
    assert categorize_anchor("read more", image=False, rules=anchor_rules([], ["more"])) == (
        "generic"
    )


def test_short_brands_never_match_inside_words() -> None:
    rules = anchor_rules(["ab"], [])
    assert categorize_anchor("About us", image=False, rules=rules) == "other"
    assert categorize_anchor("AB Tools", image=False, rules=rules) == "branded"
    assert categorize_anchor("A-B tools", image=False, rules=rules) == "branded"


def test_non_latin_brands_and_keywords_match_as_substrings() -> None:
    rules = anchor_rules(["百度"], ["旅行背包"])
    assert categorize_anchor("百度一下", image=False, rules=rules) == "branded"
    assert categorize_anchor("最好的旅行背包推荐", image=False, rules=rules) == "partial"
    assert categorize_anchor("旅行 背包", image=False, rules=rules) == "exact"
    assert categorize_anchor("Яндексом", image=False, rules=anchor_rules(["яндекс"], [])) == (
        "branded"
    )


def test_brand_from_domain() -> None:
    assert brand_from_domain("quietnomaddaily.com") == "quietnomaddaily"
    assert brand_from_domain("bbc.co.uk") == "bbc"
    assert brand_from_domain("alice.github.io") == "alice"
    assert brand_from_domain("quiet-nomad.com") == "quiet-nomad"
    assert brand_from_domain("192.0.2.1") is None
    assert brand_from_domain("localhost") is None


def test_naked_url_needs_a_real_top_level_domain() -> None:
    tlds = known_tlds()
    assert {"com", "org", "de", "uk", "io", "рф"} <= tlds
    assert "js" not in tlds
    assert is_naked_url("xn--mnchen-3ya.xn--p1ai", tlds)
    assert not is_naked_url("example.com and more", tlds)


def test_generic_phrases_cover_the_main_languages() -> None:
    keys = {generic_key(p) for p in GENERIC_PHRASES}
    for phrase in (
        "click here", "read more", "website", "haz clic aquí", "leer más", "hier klicken",
        "mehr erfahren", "cliquez ici", "lire la suite", "clique aqui", "leia mais", "clicca qui",
        "klik hier", "нажмите здесь", "читать далее", "こちら", "続きを読む", "点击这里",
        "了解更多",
    ):  # fmt: skip
        assert generic_key(phrase) in keys, phrase
    assert generic_key("  Read   More… ") == "read more"


def test_terms_without_words_are_dropped_and_categories_are_the_documented_set() -> None:
    rules = anchor_rules(["—", "Quiet Nomad"], ["", "!!"])
    assert rules.brands == ("quietnomad",) and rules.keywords == ()
    assert set(ANCHOR_CATEGORIES) == {
        "branded", "exact", "partial", "naked_url", "generic", "image", "empty", "other",
    }  # fmt: skip
