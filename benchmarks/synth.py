"""Deterministic synthetic Hindi/English news articles (~1,500 characters each) for benchmarks."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

HI_WORDS = (
    "सुरक्षा बलों ने पहलगाम में आतंकियों के ख़िलाफ़ अभियान शुरू किया पुलिस के अनुसार हमले में कई लोग घायल हुए "
    "प्रधानमंत्री ने बैठक बुलाई विदेश मंत्री इस्लामाबाद नई दिल्ली श्रीनगर कश्मीर सेना जवान मुठभेड़ गिरफ़्तार "
    "संदिग्ध हथियार बरामद सीमा पार घुसपैठ नियंत्रण रेखा संघर्षविराम उल्लंघन बयान जारी निंदा जांच एजेंसी "
    "लश्कर-ए-तैयबा जैश-ए-मोहम्मद प्रवक्ता अधिकारियों ज़िले गांव स्थानीय लोगों राहत शिविर सरकार कार्रवाई"
).split()
EN_WORDS = (
    "security forces launched an operation in the district after militants attacked a police post "
    "officials said the minister convened a meeting on the border situation and ceasefire violations "
    "the army recovered weapons ammunition and explosives during a search near the Line of Control "
    "protesters gathered outside the office demanding an inquiry into the killings spokesperson statement"
).split()
DIGITS = ["26", "२६", "1,200", "22.04.2025", "१४", "3", "2025"]


def article(i: int, length: int = 1500) -> dict:
    rng = random.Random(i)
    lang = ("hi", "en", "hi-en")[i % 3]
    words: list[str] = []
    size = 0
    while size < length:
        if lang == "hi" or (lang == "hi-en" and rng.random() < 0.6):
            w = rng.choice(HI_WORDS)
        else:
            w = rng.choice(EN_WORDS)
        if rng.random() < 0.04:
            w = rng.choice(DIGITS)
        words.append(w)
        size += len(w) + 1
        if rng.random() < 0.07:
            words[-1] += "।" if lang != "en" else "."
    text = " ".join(words)[:length].rstrip() + ("।" if lang != "en" else ".")
    return {
        "id": f"syn-{i:06d}",
        "title": " ".join(words[:6]),
        "text": text,
        "source": "synthetic",
        "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "lang": lang,
    }


def articles(n: int) -> Iterator[dict]:
    for i in range(n):
        yield article(i)


def write_jsonl(path: Path, n: int) -> Path:
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for a in articles(n):
            fh.write(json.dumps(a, ensure_ascii=False))
            fh.write("\n")
    tmp.replace(path)
    return path
