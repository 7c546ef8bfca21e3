"""The anchor text profile of a target, every anchor put in a category automatically.

Categories, tried in this order (the first that applies wins):

1. ``image``: the link wraps an image; its ``alt`` text stands as the anchor.
2. ``empty``: no letter or digit at all (no text, or only ``»``, ``→``, ``...``); redirects
   and meta refreshes, which have no anchor, land here too.
3. ``naked_url``: the anchor is a URL (``https://...``, ``www.…``) or a bare domain whose last
   label is a real top-level domain (``example.com``, ``shop.example.co.uk/page``), even when
   it contains the brand.
4. ``branded``: the anchor contains a brand term. Brand terms come from ``--brand``; by
   default the one derived from the target's domain name (``quietnomaddaily.com`` →
   ``quietnomaddaily``). Matching ignores case, spaces, hyphens and punctuation: the term must
   equal a run of consecutive words of the anchor glued together ("Quiet Nomad Daily",
   "quiet-nomad-daily's guide"), so a short brand never matches inside another word. A brand
   written in a non-Latin script (Chinese, Japanese, Cyrillic...) matches anywhere in the anchor.
5. ``exact``: the anchor is one of the ``--keyword`` terms, ignoring case, spaces, hyphens
   and punctuation.
6. ``generic``: a call to action or a word naming the link itself — "click here", "read
   more", "website", "source", ... — in English, Spanish, German, French, Portuguese, Italian,
   Dutch, Russian, Japanese, Chinese, Polish and Turkish (:data:`GENERIC_PHRASES`), ignoring
   case and surrounding punctuation ("Read more »").
7. ``partial``: the anchor contains every word of a keyword, in any order, among other words
   ("best travel backpacks 2026" for "travel backpacks"). A keyword in a script written without
   spaces matches anywhere in the anchor.
8. ``other``: everything else.

Over-optimisation: the *exact-match share* is the share of the target's referring domains
that link with at least one exact-match anchor. The profile is flagged over-optimised when
that share is above :data:`EXACT_SHARE_THRESHOLD` (10 %) and at least
:data:`MIN_EXACT_DOMAINS` (3) domains do it; the exact-match anchors and the domains behind
them are listed as the evidence. Without ``--keyword`` nothing is exact match and nothing is
flagged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import tldextract

from linkatlas.analyze.reports import (
    ANCHOR_CATEGORIES,
    AnchorCategory,
    AnchorCount,
    AnchorItem,
    AnchorsReport,
    CategoryCount,
    ExactMatchDomain,
)
from linkatlas.analyze.targets import report_scope
from linkatlas.errors import InputError
from linkatlas.extract.domains import DomainResolver
from linkatlas.store import report_queries, scores, stats_queries

EXACT_SHARE_THRESHOLD = 0.10
"""Exact-match share of referring domains above which a profile is over-optimised."""
MIN_EXACT_DOMAINS = 3
"""Fewest exact-match referring domains for the flag: one or two links are no pattern."""

GENERIC_PHRASES: tuple[str, ...] = (
    # English
    "click here", "click", "here", "click this link", "go here", "read more", "more",
    "learn more", "see more", "find out more", "more info", "more information", "more details",
    "details", "view details", "see details", "continue", "continue reading", "read article",
    "read the article", "read full article", "read the full article", "full story",
    "read the full story", "full article", "website", "web site", "this website", "site",
    "this site", "visit", "visit site", "visit website", "visit our website", "visit the website",
    "official website", "official site", "homepage", "home page", "home", "link", "this link",
    "link here", "source", "source link", "via", "go", "go to website", "go to site", "view",
    "view more", "view site", "view website", "check it out", "this", "this page", "page",
    "article", "this article", "post", "this post", "blog", "download", "download here",
    "info", "see here", "original", "original article", "next", "previous", "url",
    "open", "more here", "read here", "here is the link", "see the website",
    # Spanish
    "aquí", "aqui", "haz clic aquí", "haga clic aquí", "clic aquí", "pulsa aquí", "pincha aquí",
    "leer más", "ver más", "más información", "más info", "más", "sitio web", "página web",
    "web", "enlace", "este enlace", "fuente", "seguir leyendo", "continuar leyendo", "inicio",
    "visitar", "visita", "visitar sitio web", "visita la web", "página", "artículo",
    "descargar", "sitio oficial", "web oficial",
    # German
    "hier", "hier klicken", "klicken sie hier", "klick hier", "mehr", "mehr erfahren",
    "weiterlesen", "weiter lesen", "mehr lesen", "mehr dazu", "mehr informationen", "mehr infos",
    "webseite", "internetseite", "zur website", "zur webseite", "zur homepage", "dieser link",
    "quelle", "startseite", "jetzt lesen", "hier lesen", "herunterladen", "artikel", "seite",
    "zum artikel", "offizielle website",
    # French
    "ici", "cliquez ici", "clique ici", "cliquer ici", "en savoir plus", "lire la suite",
    "lire plus", "plus", "plus d'informations", "plus d'infos", "plus d'info", "site web",
    "site internet", "le site", "ce site", "lien", "ce lien", "voir plus", "accueil", "suite",
    "la suite", "voir le site", "visiter le site", "site officiel", "télécharger", "article",
    "cet article", "page", "cette page",
    # Portuguese
    "clique aqui", "clica aqui", "leia mais", "ler mais", "saiba mais", "veja mais", "ver mais",
    "mais", "mais informações", "mais informação", "página", "este link", "fonte",
    "continue lendo", "continuar lendo", "início", "acesse", "acesse o site", "visite o site",
    "site oficial", "baixar", "artigo",
    # Italian
    "qui", "clicca qui", "fai clic qui", "leggi di più", "leggi tutto", "leggi", "continua",
    "continua a leggere", "scopri di più", "scopri", "altro", "di più", "maggiori informazioni",
    "più informazioni", "sito", "sito web", "sito internet", "questo link", "fonte",
    "vai al sito", "visita il sito", "sito ufficiale", "pagina", "articolo",
    # Dutch
    "klik hier", "lees meer", "lees verder", "meer lezen", "verder lezen", "meer informatie",
    "meer info", "meer", "webpagina", "deze link", "bron", "bekijk", "bekijk meer",
    "naar de website", "ga naar de website", "startpagina", "downloaden",
    # Russian
    "здесь", "тут", "нажмите здесь", "кликните здесь", "жмите здесь", "читать далее",
    "читать дальше", "читать", "подробнее", "далее", "ещё", "еще", "узнать больше",
    "узнать подробнее", "сайт", "веб-сайт", "официальный сайт", "ссылка", "по ссылке",
    "эта ссылка", "источник", "перейти", "перейти на сайт", "главная", "скачать", "статья",
    # Japanese
    "こちら", "ここ", "ここをクリック", "こちらをクリック", "詳しくはこちら", "詳細はこちら",
    "続きを読む", "もっと見る", "詳細", "詳しく", "サイト", "ウェブサイト", "ホームページ",
    "リンク", "出典", "ソース", "公式サイト", "トップページ", "続き", "もっと読む", "記事",
    # Chinese (simplified and traditional)
    "点击这里", "点击此处", "点此", "点击", "这里", "此处", "阅读更多", "阅读全文", "更多",
    "查看更多", "了解更多", "详情", "查看详情", "网站", "官网", "官方网站", "网页", "链接",
    "来源", "首页", "下载", "點擊這裡", "點此", "這裡", "閱讀更多", "閱讀全文", "查看更多",
    "更多資訊", "詳情", "網站", "官方網站", "網頁", "連結", "來源", "首頁", "下載",
    # Polish
    "tutaj", "kliknij tutaj", "kliknij", "czytaj więcej", "czytaj dalej", "więcej",
    "strona", "strona internetowa", "źródło",
    # Turkish
    "buraya tıklayın", "tıklayın", "devamını oku", "daha fazla", "detaylar", "kaynak",  # noqa: RUF001
)  # fmt: skip

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)
_HOST_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


def words(text: str) -> list[str]:
    """The words of a text: runs of letters and digits, case-folded (NFKC first)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def squeeze(text: str) -> str:
    """A text reduced to its letters and digits, case-folded: what brand matching compares."""
    return "".join(words(text))


def generic_key(text: str) -> str:
    """A text as generic phrases are compared: case-folded, trimmed of punctuation, one space."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return " ".join(_EDGE.sub("", folded).split())


_GENERIC_KEYS = frozenset(generic_key(phrase) for phrase in GENERIC_PHRASES)


def is_generic(anchor: str) -> bool:
    return generic_key(anchor) in _GENERIC_KEYS


def is_empty_anchor(anchor: str) -> bool:
    """True when the anchor has no letter or digit."""
    return not _WORD.search(anchor)


@lru_cache(maxsize=1)
def known_tlds() -> frozenset[str]:
    """Top-level domains of the bundled Public Suffix List (ICANN section); never fetched."""
    extractor = tldextract.TLDExtract(
        suffix_list_urls=(),
        include_psl_private_domains=False,
        cache_dir=None,
        fallback_to_snapshot=True,
    )
    return frozenset(suffix.rsplit(".", 1)[-1] for suffix in extractor.tlds)


def _tld_text(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def is_naked_url(anchor: str, tlds: frozenset[str]) -> bool:
    """True when the anchor is a URL or a bare domain (``www.x.org``, ``x.com/path``)."""
    text = anchor.strip()
    if not text or any(ch.isspace() for ch in text):
        return False
    if _SCHEME.match(text):
        return True
    host = re.split(r"[/?#]", text, maxsplit=1)[0]
    if "@" in host:
        return False  # an e-mail address
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    labels = host.casefold().rstrip(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return False
    return labels[0] == "www" or _tld_text(labels[-1]) in tlds


def brand_from_domain(domain: str) -> str | None:
    """The brand a registrable domain spells: its first label (``bbc.co.uk`` → ``bbc``)."""
    label = domain.split(".", 1)[0]
    if "." not in domain or label.isdigit() or label.startswith("["):
        return None  # an IP address or a bare suffix: no name to match
    return label


@dataclass(frozen=True, slots=True)
class AnchorRules:
    """Brand and keyword terms, prepared for matching (see :func:`anchor_rules`)."""

    brands: tuple[str, ...]
    """Squeezed brand terms (letters and digits only, case-folded)."""
    keywords: tuple[tuple[str, ...], ...]
    """The words of each keyword."""
    tlds: frozenset[str]


def anchor_rules(
    brands: Iterable[str], keywords: Iterable[str], tlds: frozenset[str] | None = None
) -> AnchorRules:
    """Rules for the given brand and keyword terms; terms without letters or digits are dropped."""
    return AnchorRules(
        brands=tuple(dict.fromkeys(s for s in (squeeze(b) for b in brands) if s)),
        keywords=tuple(dict.fromkeys(w for w in (tuple(words(k)) for k in keywords) if w)),
        tlds=known_tlds() if tlds is None else tlds,
    )


def _spaceless(term: str) -> bool:
    """Terms in non-Latin scripts match as substrings (no spaces, or inflected forms)."""
    return not term.isascii()


def has_brand(anchor_words: Sequence[str], brand: str) -> bool:
    """The brand equals a run of consecutive anchor words glued together."""
    if _spaceless(brand):
        return brand in "".join(anchor_words)
    for start in range(len(anchor_words)):
        glued = ""
        for word in anchor_words[start:]:
            glued += word
            if glued == brand:
                return True
            if len(glued) >= len(brand) or not brand.startswith(glued):
                break
    return False


def _has_keyword_words(anchor_words: Sequence[str], keyword: Sequence[str]) -> bool:
    present = set(anchor_words)
    glued = "".join(anchor_words)
    return all((word in glued) if _spaceless(word) else (word in present) for word in keyword)


def categorize_anchor(anchor: str, *, image: bool, rules: AnchorRules) -> AnchorCategory:
    """The category of one anchor (the module docstring gives the rules and their order)."""
    if image:
        return "image"
    if is_empty_anchor(anchor):
        return "empty"
    if is_naked_url(anchor, rules.tlds):
        return "naked_url"
    anchor_words = words(anchor)
    if any(has_brand(anchor_words, brand) for brand in rules.brands):
        return "branded"
    glued = "".join(anchor_words)
    if any(glued == "".join(keyword) for keyword in rules.keywords):
        return "exact"
    if is_generic(anchor):
        return "generic"
    if any(_has_keyword_words(anchor_words, keyword) for keyword in rules.keywords):
        return "partial"
    return "other"


# -- the report ----------------------------------------------------------------------------


def anchors(
    con: duckdb.DuckDBPyConnection,
    target: str,
    *,
    resolver: DomainResolver,
    mode: str = "domain",
    snapshot: str | None = None,
    brands: Sequence[str] = (),
    keywords: Sequence[str] = (),
    limit: int = 100,
    threshold: float = EXACT_SHARE_THRESHOLD,
) -> AnchorsReport:
    """Every distinct anchor of the target's backlinks, by category, and over-optimisation."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold {threshold} is not a share: give a number from 0 to 1")
    scope = report_scope(con, target, mode, snapshot, resolver)
    parsed = scope.target
    default_brand = brand_from_domain(parsed.domain)
    brand_terms = list(brands) or ([default_brand] if default_brand else [])
    rules = anchor_rules(brand_terms, keywords)
    groups = stats_queries.anchor_groups(con, scope)
    mapping = [(a, img, categorize_anchor(a, image=img, rules=rules)) for a, img, _, _ in groups]
    counted = stats_queries.anchor_categories(
        con, scope, groups, mapping, exact="exact", limit=None if limit <= 0 else limit
    )
    # every backlink has one (anchor, image)
    backlinks, referring_domains = sum(g[2] for g in groups), counted.referring_domains
    categories = _category_counts(counted.counts, referring_domains)
    items = _anchor_items(groups, mapping)
    exact = next(c for c in categories if c.category == "exact")
    return AnchorsReport(
        target=parsed.text,
        mode=parsed.mode,
        snapshot=scope.snapshot.name,
        brands=brand_terms,
        keywords=list(keywords),
        backlinks=backlinks,
        referring_domains=referring_domains,
        categories=categories,
        total=len(items),
        items=items if limit <= 0 else items[:limit],
        exact_share=exact.share,
        exact_share_threshold=threshold,
        over_optimized=exact.share > threshold and exact.referring_domains >= MIN_EXACT_DOMAINS,
        exact_match_anchors=[
            AnchorCount(i.anchor, i.backlinks, i.referring_domains)
            for i in items
            if i.category == "exact"
        ],
        exact_match_domains=_exact_domains(con, scope, counted.exact_domains),
    )


def _category_counts(
    counts: dict[str, tuple[int, int]], referring_domains: int
) -> list[CategoryCount]:
    result = []
    for category in ANCHOR_CATEGORIES:
        backlinks, domains = counts.get(category, (0, 0))
        share = round(domains / referring_domains, 4) if referring_domains else 0.0
        result.append(CategoryCount(category, backlinks, domains, share))
    return result


def _anchor_items(
    groups: list[tuple[str, bool, int, int]], mapping: list[tuple[str, bool, AnchorCategory]]
) -> list[AnchorItem]:
    """One item per (anchor, image) group: the same words as link text and as image alt text
    are two items, ``image`` and another category."""
    items = [
        AnchorItem(anchor, category, backlinks, domains)
        for (anchor, _, backlinks, domains), (_, _, category) in zip(groups, mapping, strict=True)
    ]
    items.sort(key=lambda i: (-i.referring_domains, -i.backlinks, i.anchor, i.category))
    return items


def _exact_domains(
    con: duckdb.DuckDBPyConnection,
    scope: report_queries.Scope,
    rows: list[tuple[str, int, int, list[str]]],
) -> list[ExactMatchDomain]:
    ratings = scores.ratings_by_domain(con, scope.snapshot.snapshot_id, [r[0] for r in rows])
    return [
        ExactMatchDomain(domain=r[0], dr=ratings.get(r[0]), backlinks=r[2], anchors=r[3])
        for r in rows
    ]
