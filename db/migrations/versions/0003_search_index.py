"""search index (SQLite FTS5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00

On SQLite only: a full-text index for project search (``annotator.services.search``), filled lazily by
the first search after an import, never at import time.

* ``search_index``: a contentless FTS5 table, rowid = ``documents.id``. Columns ``title`` and ``text`` hold
  the document's words, ``keys`` their romanized search keys (``pahalgam`` finds पहलगाम). Contentless
  because the text is stored in ``documents`` already (an ordinary FTS5 table would store it a second
  time, doubling the file) and nothing ever reads it back from the index; documents never change, so
  rows are only ever appended. The tokenizer keeps Devanagari words whole: the default ``unicode61``
  splits at every matra, virama and nukta (categories M*), and ZWJ/ZWNJ are kept inside words.
* ``search_index_terms``: every distinct key in the index, for the fuzzy query expansion.
* ``search_index_state``: one row; the index holds every document with ``id <= indexed_to``, built with
  search keys of version ``keys_version``.

If this SQLite has no FTS5 module, nothing is created and search scans documents instead. Other databases
(PostgreSQL): nothing to do, search scans documents.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# M*: combining marks (matras, virama, nukta, anusvara) are parts of words; ZWNJ/ZWJ too.
TOKENIZE = "unicode61 categories 'L* N* Co M*' remove_diacritics 0 tokenchars '\u200c\u200d'"


def upgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    try:
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            f"title, text, keys, content='', tokenize=\"{TOKENIZE}\")"
        )
    except sa.exc.OperationalError as exc:
        if "no such module" in str(exc):
            return  # an SQLite built without FTS5: search falls back to scanning documents
        raise
    op.execute("CREATE TABLE search_index_terms (term TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID")
    op.execute(
        "CREATE TABLE search_index_state ("
        "id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), "
        "indexed_to INTEGER NOT NULL, "
        "keys_version INTEGER NOT NULL)"
    )
    op.execute("INSERT INTO search_index_state (id, indexed_to, keys_version) VALUES (1, 0, 0)")


def downgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_index_state")
    op.execute("DROP TABLE IF EXISTS search_index_terms")
    op.execute("DROP TABLE IF EXISTS search_index")  # with its shadow tables
