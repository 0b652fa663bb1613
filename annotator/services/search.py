"""Find documents by words in any script: ``pakistan`` finds पाकिस्तान and Pakistan, and the reverse.

Scoring is :func:`annotator.text.rank` (:func:`annotator.text.romanization.find`) on the document text and
title: exact matches first, then spelling variants, a word plus an ending (पाकिस्तानी for ``pakistan``)
and near misses. Which documents get scored depends on the database:

* **SQLite** (migration 0003): an FTS5 index, ``search_index``, picks candidates and only those are scored.
  Its ``title``/``text`` columns hold the words (a tokenizer that keeps Devanagari words whole), ``keys``
  the words' romanized search keys, so a Latin query finds Devanagari text and the reverse. The index is
  brought up to date lazily: each search first indexes the documents imported since the last one (in
  batches, with progress, one commit each), never at import time. Documents never change after import,
  so indexing only ever appends. A query becomes two FTS5 queries, tried in turn:

  1. *narrow*: every query word, as a word or through one of its keys (every candidate scoring 0.9 or
     more for that word has such a key);
  2. *broad*, only while (1) has not found ``limit`` documents that no broad-only document can beat: each
     word also by key prefix (``pkistn*``: the word plus an ending) and by stored keys within the edit
     distance :func:`~annotator.text.romanization.find` tolerates (``search_index_terms``).

  Each tier scores every document it finds, up to :data:`SCORE_ALL` (the same hits as a full scan);
  beyond that, only the best ``max(CANDIDATES, 2 * limit)`` by bm25, so which of the many equally good
  documents are shown may differ from a full scan.
* **Elsewhere** (PostgreSQL), or an SQLite without FTS5: every document is streamed through the ranker
  in batches, keeping the best ``limit`` hits, so memory stays flat however large the project.
"""

from __future__ import annotations

import functools
import heapq
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, product
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.text import Match, rank
from annotator.text.romanization import (
    _WORD_RE,
    _consonants,
    _latin_consonants,
    _urdu_skeleton_of,
    _word_key,
    joined_variants,
    words_of,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from annotator.services.project import Project

# SQLAlchemy (and the project's models) are imported by the functions that need them: a search on an
# up-to-date index of a project file (:func:`search_file`, the ``annotator search`` command) runs its
# queries on a plain sqlite3 connection.

BATCH_SIZE = 2000
#: An FTS5 query tier that finds at most this many documents has them all scored...
SCORE_ALL = 1000
#: ...else only this many, the best by bm25 (scoring costs ~0.2 ms per 1,500-character article).
CANDIDATES = 200
#: Bump when :mod:`annotator.text.romanization` changes its keys: the next search rebuilds the index.
KEYS_VERSION = 3  # 2: English spellings of names (ay/ai, soft c, silent e, ै as a); 3: issue 20's scripts
#: An Urdu word's consonants are stored as ``q`` + consonants (no key of another word has a ``q``: the keys
#: fold q into k): a query in another script finds Urdu text by them.
URDU_PREFIX = "q"
#: The best word score :func:`annotator.text.romanization.find` gives without equal keys (a word plus one
#: letter: 0.9 - 0.025; an edit distance scores at most 0.85). A document only the broad tier finds
#: scores at most ``(n - 1 + BROAD_WORD_SCORE) / n`` for an n-word query.
BROAD_WORD_SCORE = 0.875
#: Key prefix queries (a word plus an ending), as in ``find``: only for keys of this many letters or more.
PREFIX_MIN = 5

_VOWELS = "aeiou"
_IN_CHUNK = 500  # ids per IN (...): old SQLite builds allow 999 parameters


class SearchHit(NamedTuple):  # not a dataclass: a search does not import dataclasses (start-up)
    document_id: int
    external_id: str
    title: str
    score: float
    matches: tuple[Match, ...]  # in the document text, best first
    snippet: str  # the text around the best match, the match in [brackets]


def snippet(text: str, match: Match, width: int = 40) -> str:
    """About ``width`` code points either side of the match, cut at whole characters (grapheme clusters):
    a snippet never starts with a lone matra (``◌ी``) or ends inside a conjunct."""
    from bisect import bisect_left, bisect_right

    from annotator.text.segment import grapheme_boundaries

    start = max(0, match.start - width)
    end = min(len(text), match.end + width)
    # clusters of a window a little wider than the snippet (its own edges may cut one, far from ours)
    lo, hi = max(0, start - 16), min(len(text), end + 16)
    cuts = [lo + c for c in grapheme_boundaries(text[lo:hi])]
    if start:
        start = min(cuts[bisect_left(cuts, start)], match.start)  # inward to a cluster's start
    if end < len(text):
        end = max(cuts[bisect_right(cuts, end) - 1], match.end)
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
    """The best ``limit`` documents for ``query`` (title or text), best first.

    On SQLite, documents imported since the last search are indexed first (``progress`` reports that).
    """
    from sqlalchemy.exc import OperationalError

    if limit <= 0:
        return []
    with project.engine.connect() as conn:
        if _index_usable(conn):
            try:
                _update_index(conn, progress, cancel)
            except OperationalError as exc:
                # a read-only project file, or a writer holding the lock past the busy timeout: this
                # search scans instead (any bug in the SQL above is not one of these and still raises)
                if not any(s in str(exc) for s in ("readonly", "read-only", "locked")):
                    raise
                conn.rollback()
            else:
                return _retry_joined(query, lambda q: _search_index(conn, q, limit, min_score, cancel))
        return _retry_joined(query, lambda q: _search_scan(conn, q, limit, min_score, progress, cancel))


def _retry_joined(query: str, search: Callable[[str], list[SearchHit]]) -> list[SearchHit]:
    """``search(query)``; if that finds nothing, the query with some words run together
    (:func:`annotator.text.romanization.joined_variants`: ``pushpa kamal dahal`` finds पुष्पकमल दाहाल),
    the first variant that finds anything. A query that finds something costs nothing more."""
    hits = search(query)
    if hits:
        return hits
    for variant in joined_variants(query):
        hits = search(variant)
        if hits:
            return hits
    return []


def update_search_index(
    project: Project, *, progress: ProgressCallback = no_progress, cancel: CancelFlag | None = None
) -> int:
    """Index the documents imported since the last search (e.g. in the background after an import);
    how many were indexed. Nothing to do where there is no index (PostgreSQL)."""
    with project.engine.connect() as conn:
        if not _index_usable(conn):
            return 0
        return _update_index(conn, progress, cancel)


# ---------------------------------------------------------------------------------------------------------
# Scoring (both paths)
# ---------------------------------------------------------------------------------------------------------


class _Best:
    """The best ``limit`` hits seen: a min-heap on (score, number of matches, -document id). Each keeps its
    document's text until the end: only the hits returned get a snippet."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.heap: list[tuple[float, int, int, SearchHit, str]] = []

    def add(self, hit: SearchHit, text: str) -> None:
        entry = (hit.score, len(hit.matches), -hit.document_id, hit, text)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, entry)
        elif entry[:3] > self.heap[0][:3]:
            heapq.heapreplace(self.heap, entry)

    def all_above(self, score: float) -> bool:
        """Are there ``limit`` hits, each scoring more than ``score``?"""
        return len(self.heap) == self.limit and self.heap[0][0] > score

    def hits(self) -> list[SearchHit]:
        return [
            hit._replace(snippet=snippet(text, hit.matches[0])) if hit.matches else hit
            for *_, hit, text in sorted(self.heap, key=lambda e: e[:3], reverse=True)
        ]


def _hits(query: str, rows: Sequence, min_score: float) -> Iterator[tuple[SearchHit, str]]:
    """Score rows ``(id, external_id, title, text)``: the best of text and title; each hit (its snippet
    left empty, :meth:`_Best.hits` makes it) with its document's text."""
    by_id = {r[0]: r for r in rows}
    scores: dict[int, tuple[float, list[Match]]] = {}
    for doc_id, score, matches in rank(query, ((r[0], r[3]) for r in rows), min_score=min_score):
        scores[doc_id] = (score, matches)
    for doc_id, score, _ in rank(query, ((r[0], r[2]) for r in rows if r[2]), min_score=min_score):
        if doc_id not in scores or score > scores[doc_id][0]:
            scores[doc_id] = (score, scores.get(doc_id, (0.0, []))[1])
    for doc_id, (score, matches) in scores.items():
        _, ext_id, title, text_ = by_id[doc_id]
        yield SearchHit(doc_id, ext_id, title, score, tuple(matches), ""), text_


def _search_scan(
    conn: Connection,
    query: str,
    limit: int,
    min_score: float,
    progress: ProgressCallback,
    cancel: CancelFlag | None,
) -> list[SearchHit]:
    """Every document through the ranker, in batches."""
    from sqlalchemy import func, select

    from annotator.store.models import Document

    best = _Best(limit)
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
        for hit, text_ in _hits(query, rows, min_score):
            best.add(hit, text_)
        done += len(rows)
        progress(done, total, "searching")
    return best.hits()


# ---------------------------------------------------------------------------------------------------------
# The SQLite FTS5 index
# ---------------------------------------------------------------------------------------------------------


def _index_usable(conn: Connection) -> bool:
    from sqlalchemy.exc import OperationalError

    if conn.dialect.name != "sqlite":
        return False
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").first() is None:
        return False  # an SQLite without FTS5 when the project was created or upgraded
    try:
        conn.exec_driver_sql("SELECT rowid FROM search_index WHERE 0").all()
    except OperationalError:  # made by an SQLite with FTS5, opened by one without
        conn.rollback()
        return False
    # keys of a newer annotator: leave its index alone (rebuilding it would make that one rebuild again)
    return _state(conn)[1] <= KEYS_VERSION


#: Words and chunks whose keys a build keeps (each distinct one computed once in a corpus of up to this many:
#: a 20,000-article corpus of 290,000 distinct chunks indexed in 7.6 s of keys instead of 13.3 s with
#: 65,536 / 131,072); beyond :data:`_CACHE_KEEP` entries they are dropped when a build ends.
_CACHE_SIZE = 1 << 19
_CACHE_KEEP = 1 << 17


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _word_keys(word: str) -> tuple[str, ...]:
    """What the index stores for a word: its search keys (every loose skeleton; the first is
    :func:`~annotator.text.romanization.search_key`), which keys matching at 0.9 or more share, and its
    spellings with e/i and o/u merged, which ``find`` measures its edit distance on."""
    key = _word_key(word)
    keys = (*(loose for loose, _ in key.looses), *key.fulls)
    if key.script == "u":
        consonants = _consonants(key.skel)
        if consonants:
            keys = (*keys, URDU_PREFIX + consonants)
    return tuple(dict.fromkeys(keys))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _chunk_keys(chunk: str) -> tuple[str, ...]:
    """The keys of the words of a whitespace-free piece of text (``पहलगाम।``, ``(Pakistan),``), in order."""
    return tuple(dict.fromkeys(chain.from_iterable(map(_word_keys, _WORD_RE.findall(chunk)))))


def document_keys(*texts: str) -> list[str]:
    """The distinct keys of the words of ``texts`` (title, text), in order of first occurrence.

    No word holds whitespace, so the words of a text are those of its whitespace-separated chunks in
    turn: each distinct chunk is looked up once (``str.split`` and a dict, in C) and its keys are cached,
    instead of running the word pattern over every text (most of what indexing cost)."""
    # one split of the texts joined by a space: the same chunks, without a generator and a chain per text
    chunks = dict.fromkeys(" ".join(texts).split())
    keys = dict.fromkeys(chain.from_iterable(map(_chunk_keys, chunks)))
    if not chunks.keys().isdisjoint(_SECOND_PARTS):  # a dict look-up each (in C), not a scan of the texts
        for t in texts:  # Urdu's place names written in two parts are one word too
            joined = (w for w in words_of(t) if " " in w)
            keys.update(dict.fromkeys(chain.from_iterable(map(_word_keys, joined))))
    return list(keys)


#: The second parts of Urdu place names written apart (اسلام آباد), as whitespace-separated chunks
_SECOND_PARTS = tuple(part + end for part in ("آباد", "نگر") for end in ("", "۔", "،", "؟", ")", '"', ":"))


def _sql(conn: Connection | sqlite3.Connection, statement: str, params: Sequence[Any] = ()) -> Any:
    """Run ``statement`` (qmark parameters) on a SQLAlchemy connection or a plain sqlite3 one; the
    result iterates rows either way."""
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(statement, params)
    return conn.exec_driver_sql(statement, tuple(params))


def _state(conn: Connection | sqlite3.Connection) -> tuple[int, int]:
    """(highest document id indexed, keys version of the index)."""
    rows = _sql(conn, "SELECT indexed_to, keys_version FROM search_index_state WHERE id = 1").fetchall()
    return (rows[0][0], rows[0][1]) if rows else (0, 0)


def _driver(conn: Connection | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection itself (a SQLAlchemy connection's DBAPI one: the same transaction)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


@contextmanager
def _write_transaction(conn: Connection | sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock before reading the watermark, so two processes searching at
    once cannot index the same documents twice (a deferred transaction would read, then fail to write).
    A plain sqlite3 connection is in autocommit mode (``isolation_level=None``): BEGIN and COMMIT are ours."""
    if isinstance(conn, sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return
    if conn.in_transaction():
        conn.commit()
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


@contextmanager
def _index_durability(conn: Connection | sqlite3.Connection) -> Iterator[None]:
    """``synchronous = NORMAL`` while indexing, FULL again afterwards. The index is a derived cache, its
    watermark written in the same transaction as its rows: in WAL mode a power cut may lose the last
    batches' commits (the next search indexes them again) but never leaves the file inconsistent, and the
    next FULL commit of a label syncs everything before it. It spares an fsync per batch."""
    _sql(conn, "PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        _sql(conn, "PRAGMA synchronous = FULL")


#: How many stored keys :func:`_update_index` remembers so as not to offer them to ``search_index_terms``
#: again in its later batches (a few tens of MB at most; beyond, INSERT OR IGNORE skips them as before).
_STORED_MAX = 200_000


def _update_index(
    conn: Connection | sqlite3.Connection, progress: ProgressCallback, cancel: CancelFlag | None
) -> int:
    """Index the documents above the watermark, in batches of :data:`BATCH_SIZE`, one transaction each (on
    the engine's connection, or on a plain sqlite3 one in autocommit mode: :func:`search_file`)."""
    indexed_to, version = _state(conn)
    start = indexed_to if version == KEYS_VERSION else 0
    total, last_id = _sql(conn, "SELECT count(*), max(id) FROM documents WHERE id > ?", (start,)).fetchall()[
        0
    ]
    if version == KEYS_VERSION and not total:
        return 0
    try:
        return _index_batches(conn, total, last_id, progress, cancel)
    finally:  # what stays in memory after a build is no more than before it
        for cache in (_chunk_keys, _word_keys):
            if cache.cache_info().currsize > _CACHE_KEEP:
                cache.cache_clear()


def _index_batches(
    conn: Connection | sqlite3.Connection,
    total: int,
    last_id: int | None,
    progress: ProgressCallback,
    cancel: CancelFlag | None,
) -> int:
    """:func:`_update_index`'s batches up to document ``last_id``; how many documents were indexed."""
    done = 0
    stored: set[str] = set()  # keys this run has put in search_index_terms (up to _STORED_MAX of them)
    raw = _driver(conn)
    with _index_durability(conn):
        while True:
            if cancel is not None:
                cancel.check()
            with _write_transaction(conn):
                indexed_to, version = _state(conn)  # again, under the lock: another process may have indexed
                if version > KEYS_VERSION:  # a newer annotator took it over meanwhile
                    return done
                if version != KEYS_VERSION:  # built with older keys: start again
                    _sql(conn, "INSERT INTO search_index (search_index) VALUES ('delete-all')")
                    _sql(conn, "DELETE FROM search_index_terms")
                    stored.clear()
                    indexed_to = 0
                rows: Sequence[tuple[int, str, str]] = []
                if last_id is not None and indexed_to < last_id:
                    # the texts and their index rows go through the sqlite3 connection itself (in this
                    # transaction): SQLAlchemy's rows and parameter handling cost ~5% of a build
                    rows = raw.execute(
                        "SELECT id, title, text FROM documents WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
                        (indexed_to, last_id, BATCH_SIZE),
                    ).fetchall()
                entries = []
                terms: set[str] = set()
                for doc_id, title, text_ in rows:
                    keys = document_keys(title, text_)
                    terms.update(keys)
                    entries.append((doc_id, title, text_, " ".join(keys)))
                terms -= stored  # the keys earlier batches of this run stored already
                if entries:
                    raw.executemany(
                        "INSERT INTO search_index (rowid, title, text, keys) VALUES (?, ?, ?, ?)", entries
                    )
                    if terms:  # (an empty executemany on SQLAlchemy's connection is one execute without rows)
                        raw.executemany(  # in key order: appended to the table's b-tree, not scattered in it
                            "INSERT OR IGNORE INTO search_index_terms (term) VALUES (?)",
                            [(t,) for t in sorted(terms)],
                        )
                        if len(stored) < _STORED_MAX:
                            stored |= terms
                    indexed_to = rows[-1][0]
                _sql(
                    conn,
                    "INSERT OR REPLACE INTO search_index_state (id, indexed_to, keys_version) "
                    "VALUES (1, ?, ?)",
                    (indexed_to, KEYS_VERSION),
                )
            if not rows:
                return done
            done += len(rows)
            progress(done, max(total, done), "indexing")
            if last_id is None or indexed_to >= last_id:
                return done


def _phrase(s: str) -> str:
    """An FTS5 string: whatever it holds (quotes, ``*``, ``:``, ``-``, NOT…) is text to match."""
    return '"' + s.replace('"', '""') + '"'


def _within(a: str, b: str, limit: int) -> bool:
    """Is the (unit-cost) edit distance of ``a`` and ``b`` at most ``limit``?"""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


def _max_edits(length: int) -> int:
    """Edits ``find`` may tolerate between keys when the query's has ``length`` letters: its cost limit
    (0.5 from 4 letters, 0.75 from 5, 1 from 8, 1.5 from 10) over its cheapest edit (0.5)."""
    return 0 if length < 4 else 1 if length < 8 else 2 if length < 10 else 3


def _similar_terms(conn: Connection | sqlite3.Connection, word: str) -> list[str]:
    """Stored keys within ``find``'s edit distance of the word's: at most :func:`_max_edits` unit edits
    apart, starting alike as ``find`` requires (the same first letter or both vowels; below 8 letters the
    second letter too). A superset: ``find`` scores them exactly."""
    found: dict[str, None] = {}
    for full in _word_key(word).fulls:
        edits = _max_edits(len(full))
        if not edits:
            continue
        starts = [_VOWELS if full[0] in _VOWELS else "bv" if full[0] in "bv" else full[0]]
        if len(full) < 8:
            starts.append(_VOWELS if full[1] in _VOWELS else full[1])
        for start in map("".join, product(*starts)):
            rows = _sql(
                conn,
                "SELECT term FROM search_index_terms WHERE term >= ? AND term < ? "
                "AND length(term) BETWEEN ? AND ?",
                (start, start + "\U0010ffff", len(full) - edits, len(full) + edits),
            )
            found.update((term, None) for (term,) in rows if _within(full, term, edits))
    return list(found)


def _query_consonants(word: str) -> list[str]:
    """The consonants an Urdu word must have to match ``word`` (a Latin or Indic-script word)."""
    key = _word_key(word)
    if key.script == "l":
        found = [_latin_consonants(f) for f in key.spellings if f.isascii()]
    else:
        found = [_consonants(_urdu_skeleton_of(word))]
    return [c for c in dict.fromkeys(found) if c]


def _urdu_terms(conn: Connection | sqlite3.Connection, word: str) -> list[str]:
    """Stored keys of Latin and Indic-script words with the consonants of the Urdu ``word`` (two or more):
    the keys of every such word a match needs (:func:`_query_consonants` the other way round)."""
    consonants = _consonants(_word_key(word).skel)
    if len(consonants) < 2:
        return []
    found: dict[str, None] = {}
    for start in dict.fromkeys((consonants[0], *_VOWELS, "v", "y")):
        rows = _sql(
            conn,
            "SELECT term FROM search_index_terms WHERE term >= ? AND term < ? "
            "AND length(term) BETWEEN ? AND ?",
            (start, start + "\U0010ffff", len(consonants), 2 * len(consonants) + 4),
        )
        found.update((term, None) for (term,) in rows if _latin_consonants(term) == consonants)
    return list(found)


def _match_expression(conn: Connection | sqlite3.Connection, words: Iterable[str], broad: bool) -> str:
    """An FTS5 query: every word (AND), each as itself in title or text or by one of its keys (OR)."""
    clauses = []
    for word in dict.fromkeys(words):
        key = _word_key(word)
        alternatives = [f"{{title text}} : {_phrase(word)}"]
        alternatives += [f"keys : {_phrase(loose)}" for loose in dict.fromkeys(k for k, _ in key.looses)]
        # across Urdu's spelling (romanization._score_urdu: a match needs the same consonants, or the
        # query's plus an ending): Urdu words by their stored consonants, an Urdu query by the stored keys
        # of other words with its consonants
        if key.script == "u":
            alternatives += [f"keys : {_phrase(term)}" for term in _urdu_terms(conn, word)]
        else:
            for consonants in _query_consonants(word):
                alternatives.append(f"keys : {_phrase(URDU_PREFIX + consonants)}")
                if broad and len(consonants) >= 3:
                    alternatives.append(f"keys : {_phrase(URDU_PREFIX + consonants)} *")
        if broad:
            if len(key.loose) >= PREFIX_MIN:
                alternatives.append(f"keys : {_phrase(key.loose)} *")
            alternatives += [f"keys : {_phrase(term)}" for term in _similar_terms(conn, word)]
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses)


def _candidates(conn: Connection | sqlite3.Connection, expression: str, limit: int) -> list[int]:
    found = [
        rowid
        for (rowid,) in _sql(
            conn,
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT ?",
            (expression, SCORE_ALL + 1),
        )
    ]
    if len(found) <= SCORE_ALL:
        return found
    return [
        rowid
        for (rowid,) in _sql(
            conn,
            "SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
            (expression, max(CANDIDATES, 2 * limit)),
        )
    ]


def _search_index(
    conn: Connection | sqlite3.Connection, query: str, limit: int, min_score: float, cancel: CancelFlag | None
) -> list[SearchHit]:
    words = words_of(unicodedata.normalize("NFC", query))
    if not words:
        return []
    best = _Best(limit)
    scored: set[int] = set()
    # the best a document only the broad tier finds can score
    broad_best = (len(words) - 1 + BROAD_WORD_SCORE) / len(words)
    for broad in (False, True):
        if broad and (broad_best < min_score or best.all_above(broad_best)):
            break
        if cancel is not None:
            cancel.check()
        ids = [i for i in _candidates(conn, _match_expression(conn, words, broad), limit) if i not in scored]
        scored.update(ids)
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = _sql(
                conn, f"SELECT id, external_id, title, text FROM documents WHERE id IN ({marks})", chunk
            ).fetchall()  # an id whose document is gone is simply not found
            for hit, text_ in _hits(query, rows, min_score):
                best.add(hit, text_)
    return best.hits()


def search_file(
    target: str | Path,
    query: str,
    *,
    limit: int = 20,
    min_score: float = 0.75,
    build: bool = False,
    progress: ProgressCallback = no_progress,
) -> list[SearchHit] | None:
    """:func:`search_documents` on a project file, on a plain sqlite3 connection: the same SQL and the same
    hits, without an engine, a session, the label schema, SQLAlchemy, Alembic or tqdm. With ``build``, an
    index that is behind the documents or built with older keys is brought up to date first, on that
    connection, by the same code as :func:`search_documents` (``progress`` reports it); without, such an
    index means None. None when this cannot answer and the project must be opened as usual: a URL, a
    missing file, a revision other than this program's head, no label schema stored, no index (no FTS5),
    an index of a newer annotator's keys, or the file busy or read-only. The file gets the same look
    before opening as any open (:func:`annotator.store.database.check_sqlite_file`: a damaged file is
    refused with the same message); it writes nothing but the index."""
    from annotator.store.database import damaged_read, open_plain

    opened = open_plain(target)
    if opened is None:
        return None
    path, con = opened
    try:
        if not con.execute("SELECT 1 FROM settings WHERE key = 'schema'").fetchall():
            return None
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").fetchall():
            return None
        con.execute("SELECT rowid FROM search_index WHERE 0").fetchall()  # raises without FTS5
        indexed_to, version = _state(con)
        (last_id,) = con.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
        if build and version <= KEYS_VERSION and (version != KEYS_VERSION or indexed_to < last_id):
            con.execute("COMMIT")
            _update_index(con, progress, None)
            con.execute("BEGIN")
            indexed_to, version = _state(con)
            (last_id,) = con.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
        if version != KEYS_VERSION or indexed_to < last_id:
            return None
        if limit <= 0:
            return []
        return _retry_joined(query, lambda q: _search_index(con, q, limit, min_score, None))
    except sqlite3.OperationalError:  # busy past the timeout, read-only, no FTS5: the usual open says
        return None
    except sqlite3.DatabaseError as exc:
        raise damaged_read(path, exc) from None
    finally:
        con.close()
