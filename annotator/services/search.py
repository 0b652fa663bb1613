"""Find documents by words in any script: ``pakistan`` finds पाकिस्तान and Pakistan, and the reverse.

Streams the project's documents in batches through :func:`annotator.text.rank`, keeping the best
``limit`` hits, so memory stays flat however large the project.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy import func, select

from annotator.services.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.project import Project
from annotator.store.models import Document
from annotator.text import Match, rank

BATCH_SIZE = 2000


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    external_id: str
    title: str
    score: float
    matches: tuple[Match, ...]  # in the document text, best first
    snippet: str  # the text around the best match, the match in [brackets]


def snippet(text: str, match: Match, width: int = 40) -> str:
    start = max(0, match.start - width)
    end = min(len(text), match.end + width)
    before = ("…" if start else "") + text[start : match.start]
    after = text[match.end : end] + ("…" if end < len(text) else "")
    return " ".join(f"{before}[{text[match.start : match.end]}]{after}".split())


def search_documents(
    project: Project,
    query: str,
    *,
    limit: int = 20,
    min_score: float = 0.75,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> list[SearchHit]:
    """The best ``limit`` documents for ``query`` (title or text), best first."""
    best: list[tuple[float, int, int, SearchHit]] = []  # min-heap on (score, -matches, -id)
    with project.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Document)) or 0
        done = 0
        last_id = 0
        while True:
            if cancel is not None:
                cancel.check()
            rows = conn.execute(
                select(Document.id, Document.external_id, Document.title, Document.text)
                .where(Document.id > last_id)
                .order_by(Document.id)
                .limit(BATCH_SIZE)
            ).all()
            if not rows:
                break
            last_id = rows[-1][0]
            by_id = {r[0]: r for r in rows}
            scores: dict[int, tuple[float, list[Match]]] = {}
            for doc_id, score, matches in rank(query, ((r[0], r[3]) for r in rows), min_score=min_score):
                scores[doc_id] = (score, matches)
            for doc_id, score, _ in rank(query, ((r[0], r[2]) for r in rows if r[2]), min_score=min_score):
                if doc_id not in scores or score > scores[doc_id][0]:
                    scores[doc_id] = (score, scores.get(doc_id, (0.0, []))[1])
            for doc_id, (score, matches) in scores.items():
                _, ext_id, title, text = by_id[doc_id]
                hit = SearchHit(
                    doc_id, ext_id, title, score, tuple(matches), snippet(text, matches[0]) if matches else ""
                )
                entry = (score, len(matches), -doc_id, hit)
                if len(best) < limit:
                    heapq.heappush(best, entry)
                elif entry[:3] > best[0][:3]:
                    heapq.heapreplace(best, entry)
            done += len(rows)
            progress(done, total, "searching")
    return [entry[3] for entry in sorted(best, key=lambda e: e[:3], reverse=True)]
