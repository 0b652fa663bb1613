"""The Urdu and Bengali demo articles (resources/demo/articles_scripts.jsonl, issue 20): the same format and
checks as the Hindi/English ones (tests/schema/test_demo.py), their scripts and pitfalls, and the demo
project built with them."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest

from annotator.resources import resource_path
from annotator.schema import Schema, default_schema
from tests.schema import test_demo

ARABIC = re.compile(r"[\u0600-\u06FF]")
BENGALI = re.compile(r"[\u0980-\u09FF]")
LATIN = re.compile(r"[A-Za-z]")


def _load() -> list[dict[str, Any]]:
    raw = resource_path("demo", "articles_scripts.jsonl").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
    lines = raw.decode("utf-8").split("\n")[:-1]
    for line in lines:
        assert line.strip() == line and line
        assert "\\u06" not in line and "\\u09" not in line, "written with ensure_ascii=False"
    return [json.loads(line) for line in lines]


ARTICLES = _load()


@pytest.fixture(scope="module")
def schema() -> Schema:
    return default_schema()


def test_ids_follow_the_first_file() -> None:
    first = [a["id"] for a in test_demo.ARTICLES]
    ids = [a["id"] for a in ARTICLES]
    assert not set(ids) & set(first)
    assert all(re.fullmatch(r"demo-\d{3}", i) for i in ids)
    assert min(ids) > max(first)
    langs = [a["meta"]["lang"] for a in ARTICLES]
    assert langs.count("ur") >= 1 and langs.count("bn") >= 2


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_article(article: dict[str, Any], schema: Schema) -> None:
    assert set(article) == test_demo.ARTICLE_KEYS
    title, text, meta = article["title"], article["text"], article["meta"]
    assert title and title.strip() == title and title not in text
    assert 400 <= len(text) <= 1500
    assert set(meta) == test_demo.META_KEYS and meta["url"] is None and meta["source"]
    for s in test_demo._strings(article):
        assert unicodedata.is_normalized("NFC", s), s[:40]
    script = {"ur": ARABIC, "bn": BENGALI}[meta["lang"]]
    assert len(script.findall(text)) > 10 * len(LATIN.findall(text))
    assert not re.search(r"[\u0900-\u0963\u0966-\u097F]", text), "no Devanagari letter (the danda is shared)"
    # the same checks as the first file's annotated articles: offsets, labels, roles, attributes
    assert article["annotations"], "every article of this file is labelled"
    test_demo.test_annotations_are_valid(article, schema)
    events = [ev for ann in article["annotations"] for ev in ann["events"]]
    assert any(ev["arguments"] for ev in events), "an event with arguments"


def test_script_pitfalls_are_present() -> None:
    urdu = "\n".join(a["text"] for a in ARTICLES if a["meta"]["lang"] == "ur")
    bengali = "\n".join(a["text"] for a in ARTICLES if a["meta"]["lang"] == "bn")
    assert "۔" in urdu and "\u200c" in urdu, "Urdu full stop and a ZWNJ inside a word"
    assert re.search(r"[\u0600-\u06FF]\u200c[\u0600-\u06FF]", urdu)
    assert {"\u06cc", "\u06a9", "\u06c1", "\u06be", "\u06ba", "\u06d2"} <= set(urdu), "Urdu's own letters"
    assert "\u0650" in urdu, "an izafat written with zer"
    assert re.search(r'"[A-Za-z][^"]+"', urdu), "an English quotation inside right-to-left text"
    assert "।" in bengali and re.search(r"[\u0980-\u09FF]\u200c[\u0980-\u09FF]", bengali)
    assert "\u09bc" in bengali, "nukta letters (ড়, য়) stored as base + U+09BC, as NFC leaves them"
    assert not re.search(r"[\u09dc\u09dd\u09df]", bengali)
    assert re.search(r"[০-৯]", bengali)


def test_the_demo_project_holds_them_after_the_first_articles(tmp_path) -> None:
    from sqlalchemy import select

    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project
    from annotator.store.models import Document, Entity, Event

    with open_project(ensure_demo_project()) as project, project.engine.connect() as conn:
        order = list(conn.execute(select(Document.external_id, Document.id).order_by(Document.id)))
        assert [name for name, _ in order] == [a["id"] for a in test_demo.ARTICLES + ARTICLES]
        for article in ARTICLES:
            doc = conn.scalar(select(Document.id).where(Document.external_id == article["id"]))
            labels = sorted(conn.scalars(select(Entity.label).where(Entity.document_id == doc)))
            assert labels == sorted(e["label"] for e in article["annotations"][0]["entities"])
            types = sorted(conn.scalars(select(Event.type).where(Event.document_id == doc)))
            assert types == sorted(e["type"] for e in article["annotations"][0]["events"])
