"""Matching Chinese text without word breaks, the same way on both databases, and excerpts.

Every part's searchable text is matched as a substring:
- SQLite: an FTS5 table with the trigram tokenizer (rowid = the row's id) answers queries of
  3 or more characters (`MATCH '"text"'`, a phrase of every trigram in order); 1-2 character
  queries have no trigram and fall back to `LIKE '%text%'` on the columns.
- PostgreSQL: `ILIKE '%text%'` on the columns, served by pg_trgm GIN indexes.

Relevance is computed the same way on both (a portable SQL expression, so the two lanes rank
alike): 10 for a hit in the title, plus one per occurrence in the body.

Only fixed fragments (table and column names chosen by the caller's code) are formatted into
SQL; the query text is always a parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import markupsafe

from forum.db import is_postgres

MAX_QUERY = 100
TITLE_WEIGHT = 10


def normalize(raw: str) -> str:
    """Printable characters only, whitespace collapsed, at most MAX_QUERY characters."""
    text = "".join(c if c.isprintable() else " " for c in raw)
    return " ".join(text.split())[:MAX_QUERY]


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL with `?` placeholders and its parameters, in order."""

    sql: str
    params: tuple[Any, ...] = ()


def _like(column: str, text: str) -> Fragment:
    if is_postgres():  # backslash is PostgreSQL's default LIKE escape (index-friendly)
        # ILIKE folds the case of every character of every row it reads; a query without
        # cased letters (Chinese) matches the same with the far cheaper LIKE.
        operator = "ILIKE" if text.lower() != text.upper() else "LIKE"
        return Fragment(f"{column} {operator} ?", (like_pattern(text),))
    return Fragment(f"{column} LIKE ? ESCAPE '\\'", (like_pattern(text),))


@dataclass(frozen=True)
class Column:
    """A searchable column, seen two ways: `row`, the expression in the searching statement
    (`p.body_raw`), and `select` + `expression`, a statement of ids on its own table
    (`SELECT id FROM boards_posts WHERE`, `body_raw`) that can use the column's index."""

    row: str
    select: str
    expression: str


def match(text: str, *, fts: str, rowid: str, columns: tuple[Column, ...]) -> Fragment:
    """Rows (id `rowid`) containing `text` in any of `columns`. `fts` is the part's SQLite
    FTS5 trigram table over the same columns (its rowid is the searched row's id).

    - SQLite, 3+ characters: the ids the FTS5 phrase match gives.
    - PostgreSQL, 3+ characters: each column's ids by `ILIKE`, united, so every column uses
      its own pg_trgm index (an OR across the post and its topic would scan).
    - 1-2 characters, both: `LIKE` / `ILIKE` on each row. No trigram exists, so an index
      could only be read whole (slower than the one pass over the rows); no union."""
    if not is_postgres() and len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        sql = f"{rowid} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"  # noqa: S608
        return Fragment(sql, (phrase,))
    if len(text) < 3:
        likes = [_like(c.row, text) for c in columns]
        return Fragment(
            "(" + " OR ".join(f.sql for f in likes) + ")",
            tuple(p for f in likes for p in f.params),
        )
    per_column = [(c.select, _like(c.expression, text)) for c in columns]
    union = " UNION ".join(f"{select} {like.sql}" for select, like in per_column)
    return Fragment(f"{rowid} IN ({union})", tuple(p for _, f in per_column for p in f.params))


def relevance(text: str, *, title: str, body: str) -> Fragment:
    """TITLE_WEIGHT for a hit in `title`, plus the number of occurrences in `body`."""
    hit = _like(title, text)
    occurrences = f"(LENGTH({body}) - LENGTH(REPLACE({body}, ?, ''))) / ?"
    return Fragment(
        f"(CASE WHEN {hit.sql} THEN {TITLE_WEIGHT} ELSE 0 END + {occurrences})",
        (*hit.params, text, len(text)),
    )


def timestamp(value: dt.datetime) -> Any:
    """A datetime parameter for a raw query, comparable with the stored column: PostgreSQL
    takes the datetime; SQLite stores ISO text in UTC (`2026-11-01 08:00:00+00:00`)."""
    if is_postgres():
        return value
    return value.astimezone(dt.UTC).isoformat(sep=" ")


def when(value: Any) -> dt.datetime:
    """A timestamp column as read by a raw query: SQLite returns text, PostgreSQL datetimes."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# --- excerpts ------------------------------------------------------------------------------

EXCERPT_WIDTH = 120
_SPACE = re.compile(r"\s+")


MARK = markupsafe.Markup("<mark>{}</mark>")  # Markup.format escapes what it is given


def _marked(text: str, pattern: re.Pattern[str]) -> markupsafe.Markup:
    out: list[markupsafe.Markup] = []
    last = 0
    for hit in pattern.finditer(text):
        out.append(markupsafe.escape(text[last : hit.start()]))
        out.append(MARK.format(hit.group()))
        last = hit.end()
    out.append(markupsafe.escape(text[last:]))
    return markupsafe.Markup("").join(out)


def _pattern(query: str) -> re.Pattern[str] | None:
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def highlight(text: str, query: str) -> markupsafe.Markup:
    """The whole `text`, escaped, with every occurrence of `query` in <mark>."""
    pattern = _pattern(query)
    return _marked(text, pattern) if pattern else markupsafe.escape(text)


def excerpt(text: str, query: str, width: int = EXCERPT_WIDTH) -> markupsafe.Markup:
    """About `width` characters of plain `text` around the first hit, escaped, with the hits
    in <mark> ("…" where text was cut). Without a hit in the text (it matched the title, or
    markup that is not text), the beginning of the text."""
    text = _SPACE.sub(" ", text).strip()
    pattern = _pattern(query)
    first = pattern.search(text) if pattern else None
    start = 0
    if first is not None and first.start() > width // 3:
        start = first.start() - width // 3
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    window = text[start:end]
    body = _marked(window, pattern) if pattern else markupsafe.escape(window)
    return markupsafe.Markup("{}{}{}").format(
        "…" if start > 0 else "", body, "…" if end < len(text) else ""
    )
