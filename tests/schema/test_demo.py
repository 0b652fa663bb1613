"""Checks of the shipped demo articles (resources/demo/articles.jsonl) against the default schema.

Every annotation offset must select exactly its surface text, every label, role, filler type, attribute,
tone and polarity must be valid in the default schema, and all text must be NFC.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections import Counter
from typing import Any

import pytest

from annotator.resources import resource_path
from annotator.schema import Schema, default_schema

ARTICLE_KEYS = {"id", "title", "text", "meta", "annotations"}
META_KEYS = {"source", "published", "lang", "url"}
ANNOTATION_KEYS = {"annotator", "status", "entities", "events", "document", "sentiment"}
ENTITY_KEYS = {"id", "start", "end", "label", "text", "attributes"}
EVENT_KEYS = {"id", "type", "trigger", "arguments", "attributes"}
#: an event may also name the incident it reports ("incident": {"id", "figures"}; see the issue-17 demo)
INCIDENT_KEYS = {"id", "figures"}
LANGS = {"hi", "en", "hi-en"}
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
LATIN = re.compile(r"[A-Za-z]")


def _load() -> tuple[list[str], list[dict[str, Any]]]:
    raw = resource_path("demo", "articles.jsonl").read_bytes()
    text = raw.decode("utf-8")
    lines = text.split("\n")
    assert lines[-1] == "", "the file must end with a newline"
    lines = lines[:-1]
    return lines, [json.loads(line) for line in lines]


LINES, ARTICLES = _load()
ANNOTATED = [a for a in ARTICLES if a["annotations"]]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return default_schema()


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_file_format() -> None:
    raw = resource_path("demo", "articles.jsonl").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r" not in raw
    for line in LINES:
        assert line.strip() == line and line, "one JSON object per line, no blank lines"
        assert "\\u09" not in line, "written with ensure_ascii=False"


def test_collection_shape() -> None:
    assert len(ARTICLES) >= 18
    ids = [a["id"] for a in ARTICLES]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"demo-\d{3}", i) for i in ids)
    langs = Counter(a["meta"]["lang"] for a in ARTICLES)
    assert set(langs) == LANGS
    assert langs["hi"] >= 6 and langs["en"] >= 5 and langs["hi-en"] >= 4, langs
    assert 5 <= len(ANNOTATED) <= 10


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["id"])
def test_article(article: dict[str, Any]) -> None:
    assert set(article) == ARTICLE_KEYS
    title, text, meta = article["title"], article["text"], article["meta"]
    assert isinstance(title, str) and title.strip() == title and title
    assert isinstance(text, str) and 400 <= len(text) <= 1500, len(text)
    assert title not in text, "the title is separate, not repeated in the text"
    assert set(meta) == META_KEYS
    assert isinstance(meta["source"], str) and meta["source"]
    datetime.date.fromisoformat(meta["published"])
    assert meta["lang"] in LANGS
    assert meta["url"] is None
    assert isinstance(article["annotations"], list)
    for s in _strings(article):
        assert unicodedata.is_normalized("NFC", s), s[:40]
        assert not re.search(r"[\u0958-\u095F]", s), "nukta letters are written as base + U+093C"
    deva, latin = len(DEVANAGARI.findall(text)), len(LATIN.findall(text))
    if meta["lang"] == "hi":
        assert deva > 10 * latin
    elif meta["lang"] == "en":
        assert deva == 0
    else:
        assert deva > 50 and latin > 50


def test_realistic_variety() -> None:
    texts = [a["text"] for a in ARTICLES]
    everything = "\n".join(texts)
    assert "\u200c" in everything, "ZWNJ inside at least one word"
    assert re.search(r"[\u0900-\u097F]\u200c[\u0900-\u097F]", everything)
    assert re.search(r"[०-९]", everything) and re.search(r"[0-9]", everything), "both digit systems"
    assert "22.04.2025" in everything
    assert "२२ अप्रैल" in everything
    assert "\u093c" in everything, "nukta"
    assert "।" in everything, "danda"
    assert re.search(r"[\u0900-\u097F]+-ए-[\u0900-\u097F]+", everything), "hyphenated group name"
    tones = {a["annotations"][0]["document"]["tone"] for a in ANNOTATED}
    assert min(tones) < 0 < max(tones), tones


@pytest.mark.parametrize("article", ANNOTATED, ids=lambda a: a["id"])
def test_annotations_are_valid(article: dict[str, Any], schema: Schema) -> None:
    text = article["text"]
    for ann in article["annotations"]:
        assert set(ann) == ANNOTATION_KEYS
        assert ann["annotator"] in ("demo", "meera")
        assert ann["status"] == "done"

        types: dict[str, str] = {}  # id -> entity label or event type
        kinds: dict[str, str] = {}  # id -> "entity" | "event"
        for ent in ann["entities"]:
            assert set(ent) == ENTITY_KEYS, ent
            assert ent["id"] not in types, f"duplicate id {ent['id']}"
            start, end = ent["start"], ent["end"]
            assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            assert text[start:end] == ent["text"], ent
            assert ent["text"].strip() == ent["text"], ent
            assert schema.kind_of(ent["label"]) == "entity", ent
            assert schema.check_attributes("entity", ent["label"], ent["attributes"]) == [], ent
            types[ent["id"]], kinds[ent["id"]] = ent["label"], "entity"

        for ev in ann["events"]:
            assert set(ev) - {"incident"} == EVENT_KEYS, ev
            if "incident" in ev:
                assert set(ev["incident"]) <= INCIDENT_KEYS and ev["incident"]["id"], ev
            assert ev["id"] not in types, f"duplicate id {ev['id']}"
            assert schema.kind_of(ev["type"]) == "event", ev
            types[ev["id"]], kinds[ev["id"]] = ev["type"], "event"

        for ev in ann["events"]:
            trigger = ev["trigger"]
            assert set(trigger) == {"start", "end", "text"}
            start, end = trigger["start"], trigger["end"]
            assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
            assert text[start:end] == trigger["text"], ev
            assert trigger["text"].strip() == trigger["text"], ev
            assert schema.check_attributes("event", ev["type"], ev["attributes"]) == [], ev
            pairs = []
            for arg in ev["arguments"]:
                # In the native format "entity" names the filler's id: an entity (T..) or, for roles such
                # as Topic and Crime, another event (E..).
                assert set(arg) == {"role", "entity"}, arg
                ref = arg["entity"]
                assert ref in types, f"{ev['id']}: argument id {ref} does not exist"
                assert ref != ev["id"], f"{ev['id']}: argument names the event itself"
                pairs.append((arg["role"], types[ref]))
            assert schema.check_arguments(ev["type"], pairs) == [], ev

        assert schema.check_document_sentiment(ann["document"]) == []
        assert schema.document_sentiment is not None
        assert schema.document_sentiment.name in ann["document"]

        for item in ann["sentiment"]:
            assert set(item) == {"target", "polarity"}
            assert item["target"] in types, f"sentiment target {item['target']} does not exist"
            assert schema.check_targeted_sentiment(kinds[item["target"]], item["polarity"]) is None, item


def test_an_incident_told_by_several_articles() -> None:
    """The demo's incident: the Sonagarh IED blast reported in Hindi on the day, in English the next day
    (a higher death toll) and in Hindi when a group claimed it; linked by demo in all three, while meera
    labelled the first two and took them for two incidents, so a new user sees conflicting figures and
    linking disagreement at once."""
    linked: dict[str, dict[str, list[str]]] = {}
    for article in ARTICLES:
        for ann in article["annotations"]:
            for ev in ann["events"]:
                if "incident" in ev:
                    by = linked.setdefault(ann["annotator"], {})
                    by.setdefault(ev["incident"]["id"], []).append(article["id"])
    assert linked == {
        "demo": {"sonagarh-ied-2025-04-22": ["demo-001", "demo-021", "demo-022"]},
        "meera": {"sonagarh-blast": ["demo-001"], "sonagarh-toll": ["demo-021"]},
    }
