"""Saved news web pages (``.html``/``.htm``): one document per file, the article's main text.

The page is read from disk only: nothing is fetched (no network, no remote images, styles or frames) and
nothing runs (``<script>``, ``<style>``, ``<noscript>``, ``<template>``, frames and forms are dropped before
extraction; lxml never executes anything). The main text is found by trafilatura, given a tree parsed
here, so trafilatura never sees the raw bytes or a URL to download.

**Encoding.** A byte order mark decides (UTF-8, UTF-16). Otherwise the page must be UTF-8 when it declares
UTF-8 or nothing (a ``<meta charset>``, a ``Content-Type`` ``<meta http-equiv>`` or an XML declaration);
bytes that are not UTF-8 give a :class:`RecordError` naming the file, the byte and the declaration. A page
that declares a legacy charset (windows-1252, Shift_JIS, …) but is valid UTF-8 with non-ASCII text was
re-saved as UTF-8 without its ``<meta>`` being updated: it is read as UTF-8 (``meta["declared_charset"]``
keeps the lie); otherwise it is decoded in the declared charset (``meta["encoding"]``), and bytes that are
not valid in it, or a charset Python does not know, give a RecordError.

**Text.** trafilatura's plain-text output: one line per paragraph, heading or list item, without reader
comments, images or links; trailing spaces trimmed; a first line repeating the title is dropped (the title
is kept separately, as for plain-text files). Line breaks inside an embedded social-media post become spaces
so that a post is one line (see :mod:`annotator.text.cleanup`). A page with no main text left is a
RecordError.

**Metadata** (``meta``): ``url`` (``<link rel=canonical>``, ``og:url``, trafilatura's, a browser's
``saved from url=`` comment; absolute http(s) only), ``source`` (the site name: ``og:site_name``, else
trafilatura's, else the URL's host name), ``site`` (the URL's host name), ``published`` (trafilatura's
publication date, ``YYYY-MM-DD``, from the page's markup only; else ``article:published_time`` and similar
tags as written), ``author`` (``author``/``article:author`` tags as written, else trafilatura's: its name
clean-up cuts Devanagari vowel signs, ``शर्मा`` → ``शर्म``), ``lang`` (``<html lang>`` or
``Content-Language``, primary subtag; when it contradicts the text's script, Devanagari → ``hi``, Latin →
``en``), ``file`` (the name the document was imported under), and ``cleanup`` when cleaned. The title is
trafilatura's (which trims `` | Site`` suffixes), else ``og:title``, ``<title>``, the first ``<h1>``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from annotator.errors import RecordError
from annotator.formats.records import ReadItem, SourceRecord
from annotator.text.cleanup import clean_news, parse_read_also
from annotator.text.normalization import TextDecodeError, decode

#: How far into the file a charset declaration is looked for (saved pages often have long heads).
PRESCAN_BYTES = 65536

_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:+-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:+-]+)[\"']")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
#: WHATWG: these labels mean windows-1252, and a UTF-16 label in a <meta> can only be a mistake.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "x-user-defined": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "unicode": "utf-8",
}
#: Elements that never hold article text (and, for scripts, must never reach it).
_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "svg",
    "canvas",
    "form",
    "button",
    "select",
    "textarea",
    "nav",
    "footer",
    "aside",
)
#: Blockquote classes of embedded posts (X/Twitter, Instagram, Facebook, Threads, TikTok).
_EMBED_CLASSES = (
    "twitter-tweet",
    "instagram-media",
    "fb-xfbml-parse-ignore",
    "text-post-media",
    "tiktok-embed",
)
_DEVANAGARI_LANGS = frozenset(
    {"hi", "mr", "ne", "sa", "mai", "bho", "kok", "awa", "mag", "new", "doi", "brx"}
)
_LATIN_LANGS = frozenset({"en"})


def read(
    path: Path,
    name: str | None = None,
    clean: bool = False,
    read_also: tuple[str, ...] | str | None = None,
) -> Iterator[ReadItem]:
    """One record for the page (or one RecordError naming the file); ``clean`` runs
    :func:`~annotator.text.cleanup.clean_news` with the ``read_also`` markers (default list when None)."""
    size = path.stat().st_size
    try:
        record = _read_page(path, name or path.name, clean, read_also)
    except RecordError as exc:
        yield exc, size
        return
    yield record, size


def _read_page(path: Path, name: str, clean: bool, read_also: tuple[str, ...] | str | None) -> SourceRecord:
    where = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise RecordError(where, "empty file")
    text, meta = _decode_page(data, where)
    tree = _parse(text, where)
    tags = _page_tags(tree)
    saved_from = _SAVED_FROM.search(text[:PRESCAN_BYTES])
    _prune(tree)
    found = _extract(tree, where)

    title = _first(found.get("title"), tags.get("og:title"), tags.get("title"), tags.get("h1")) or ""
    body = _tidy(found.get("text") or "")
    lines = body.split("\n")
    if title and lines and _same(lines[0], title):
        body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        raise RecordError(where, "no article text found (the page has no main text, or only menus and links)")

    url = _first(
        *(_absolute(u) for u in (tags.get("canonical"), tags.get("og:url"), found.get("url"))),
        _absolute(saved_from.group(1) if saved_from else None),
    )
    host = urlsplit(url).hostname if url else None
    if host and host.startswith("www."):
        host = host[4:]
    site_name = _first(tags.get("og:site_name"), found.get("sitename"), tags.get("application-name"))
    values: dict[str, Any] = {
        "url": url,
        "source": site_name or host,
        "site": host,
        "published": _first(found.get("date"), tags.get("published")),
        "author": _first(tags.get("author"), found.get("author")),
        "lang": _lang(tags.get("lang"), body),
    }
    meta.update({k: v for k, v in values.items() if v})
    meta["file"] = name
    if clean:
        markers = parse_read_also(read_also)
        result = clean_news(body, markers)
        body = result.text.strip("\n")
        meta["cleanup"] = result.meta()
        if not body.strip():
            raise RecordError(
                where, f"no article text left after clean-up ({result.removed_lines} read-also line(s) cut)"
            )
    return SourceRecord(where, name, title, body, meta)


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------


def _declared_charset(data: bytes) -> str | None:
    head = data[:PRESCAN_BYTES]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii").lower() if found else None


def _decode_page(data: bytes, where: str) -> tuple[str, dict[str, Any]]:
    """The page as text, and what ``meta`` should say about its encoding (see the module docstring)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        try:
            return decode(data, where), {}
        except TextDecodeError as exc:
            raise RecordError(where, f"{exc.reason} (byte {exc.byte_offset})") from None
    declared = _declared_charset(data)
    python_name = None
    if declared is not None:
        label = _LABEL_ALIASES.get(declared, declared)
        try:
            python_name = codecs.lookup(label).name
        except LookupError:
            python_name = None
    if declared is None or python_name == "utf-8":
        try:
            return decode(data, where), {}
        except TextDecodeError as exc:
            said = (
                f"the page declares charset {declared!r} but is not (a wrong declaration or a damaged file)"
                if declared
                else "a page that declares no charset must be UTF-8"
            )
            raise RecordError(
                where, f"{exc.reason.split(';')[0]} at byte {exc.byte_offset}: {said}; re-save it as UTF-8"
            ) from None
    # A legacy charset is declared: valid UTF-8 with non-ASCII bytes means the declaration is stale.
    if not data.isascii():
        try:
            text = decode(data, where)
        except TextDecodeError:
            pass
        else:
            return text, {"declared_charset": declared}
    if python_name is None:
        raise RecordError(
            where, f"the page declares charset {declared!r}, which is unknown, and is not UTF-8"
        )
    try:
        text = data.decode(python_name)
    except UnicodeDecodeError as exc:
        raise RecordError(
            where,
            f"byte 0x{data[exc.start]:02X} at {exc.start} is neither UTF-8 nor valid in the declared charset "
            f"{declared!r}; re-save the page as UTF-8",
        ) from None
    if "\x00" in text:
        raise RecordError(where, f"NUL character at byte {data.index(0)}; not a text file")
    return text, {"encoding": python_name}


# --------------------------------------------------------------------------------------------------
# Parsing and metadata
# --------------------------------------------------------------------------------------------------


def _parse(text: str, where: str):
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
    )
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": nothing but comments, doctype or blanks
        raise RecordError(where, "no article text found (the page has no content)") from None
    except (lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise RecordError(where, f"not readable as HTML ({exc})") from None
    if tree is None:
        raise RecordError(where, "no article text found (the page has no content)")
    return tree


def _clean_value(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _page_tags(tree) -> dict[str, str]:
    """Metadata as the page writes it (first occurrence wins)."""
    tags: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        value = _clean_value(value)
        if value and key not in tags:
            tags[key] = value

    title = tree.find(".//title")
    if title is not None:
        put("title", title.text_content())
    h1 = tree.find(".//h1")
    if h1 is not None:
        put("h1", h1.text_content())
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels:
            put("canonical", link.get("href"))
    put("lang", tree.get("lang") or tree.get("xml:lang"))
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if not key:
            if (meta.get("http-equiv") or "").lower() == "content-language":
                put("content-language", content)
            continue
        if key in ("og:title", "og:url", "og:site_name", "application-name"):
            put(key, content)
        elif key in (
            "article:published_time",
            "datepublished",
            "og:published_time",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date.issued",
            "dcterms.created",
            "parsely-pub-date",
        ):
            put("published", content)
        elif key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"):
            if content and not content.strip().lower().startswith(("http://", "https://")):
                put("author", re.sub(r"^\s*by\s+", "", content, flags=re.IGNORECASE))
    if "lang" not in tags and "content-language" in tags:
        tags["lang"] = tags["content-language"]
    return tags


def _prune(tree) -> None:
    """Drop what never holds article text; make each embedded post's text one line."""
    for element in list(tree.iter(*_DROP)):
        if element.tag == "script" and (element.get("type") or "").lower() == "application/ld+json":
            continue  # structured metadata (read as data by trafilatura, never run)
        element.drop_tree()
    for element in list(tree.iter("header")):
        if not any(a.tag in ("article", "main") for a in element.iterancestors()):
            element.drop_tree()
    for quote in tree.iter("blockquote"):
        classes = (quote.get("class") or "").split()
        if any(c in _EMBED_CLASSES for c in classes):
            for br in list(quote.iter("br")):
                br.tail = " " + (br.tail or "")
                br.drop_tag()


def _extract(tree, where: str) -> dict[str, Any]:
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_tables=True,
            with_metadata=True,
            # markup only (no guessing from the text: an embedded post's date is not the article's);
            # (max_date spelled out: trafilatura before 2.1 has no default for it)
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
            },
        )
    except Exception as exc:  # a bug in the extractor must not stop an import: report the file
        raise RecordError(where, f"text extraction failed ({type(exc).__name__}: {exc})") from None
    if found is None:
        return {}
    return {key: getattr(found, key, None) for key in ("title", "author", "url", "sitename", "date", "text")}


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _first(*values: str | None) -> str | None:
    for value in values:
        value = _clean_value(value) if isinstance(value, str) else None
        if value:
            return value
    return None


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _tidy(text: str) -> str:
    """Trailing spaces off every line, no blank lines at the ends, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _same(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).casefold().split())

    return key(a) == key(b)


def _lang(declared: str | None, text: str) -> str | None:
    """The page's language tag (primary subtag), corrected to the script of the text when they disagree."""
    primary = re.split(r"[-_]", declared.strip().lower())[0] if declared else None
    devanagari = latin = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u0900" <= ch <= "\u097f" or "\ua8e0" <= ch <= "\ua8ff":
            devanagari += 1
        elif ch.isascii():
            latin += 1
    letters = devanagari + latin
    script = None if not letters else ("deva" if devanagari * 2 >= letters else "latn")
    if primary and (
        script is None
        or (primary in _DEVANAGARI_LANGS and script == "deva")
        or (primary in _LATIN_LANGS and script == "latn")
        or (primary not in _DEVANAGARI_LANGS and primary not in _LATIN_LANGS)
    ):
        return primary
    return {"deva": "hi", "latn": "en"}.get(script or "")
