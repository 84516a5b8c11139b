"""What a reader types into a search box, turned into full-text matches and a highlighted sentence.

One grammar for every search box (the home page, every list, 全文检索):
words separated by spaces must all appear (AND); "a quoted phrase" (ASCII or
Chinese quotes) must appear as written. Each term is matched as a substring of
the report's title or text, whatever its length:

* three characters or more: `reports_fts`, FTS5 trigram over reports(title, text);
* one or two characters: `report_bigrams_fts`, each report's distinct characters
  and character pairs (a trigram index cannot see a term shorter than three).

`long_match` / `short_match` give the FTS5 expression for each index ('' when
no term needs it); `sentence_snippet` finds the sentence where the terms occur.
All three are registered as SQL functions (`register_functions`) so the canned
query and the list filters share them, and a reader never sees SQL.
"""

from __future__ import annotations

import re
import sqlite3

from crawler.record.textstore import unpack_text

#: Hits in a snippet are wrapped in these private-use characters; the HTML view turns them into <mark>.
MARK_START, MARK_END = "\ue000", "\ue001"
#: Quotes a reader may type around a phrase.
_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
_SPACES = re.compile(r"[\s\u3000]+")
_SENTENCE_END = "。！？；!?;\n"
SNIPPET_CHARS = 120


def terms(query: str | None) -> list[str]:
    """The distinct terms of a query, in order: quoted phrases as written, other words split on spaces."""
    if not query:
        return []
    out: list[str] = []
    rest = _PHRASE.sub(lambda m: (out.append(next(g for g in m.groups() if g is not None)), " ")[1], query)
    out += _SPACES.split(rest)
    seen: list[str] = []
    for t in out:
        t = t.strip().strip('"“”「」『』')
        if t and t not in seen:
            seen.append(t)
    return seen


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _is_short(term: str) -> bool:
    return len(term) <= 2


def long_match(query: str | None) -> str:
    """FTS5 expression over the trigram index for the terms of three characters or more ('' if none)."""
    return " AND ".join(_phrase(t) for t in terms(query) if not _is_short(t))


def short_match(query: str | None) -> str:
    """FTS5 expression over the character/pair index for the one- and two-character terms ('' if none).

    The pair index holds runs of letters and digits only, so a short term with
    punctuation in it cannot occur there: it becomes a phrase nothing matches.
    """
    out = []
    for t in terms(query):
        if not _is_short(t):
            continue
        if not all(ch.isalnum() for ch in t):
            return '"\u0001"'
        out.append(_phrase(t))
    return " AND ".join(out)


def search_sql(id_column: str, param: str = "search") -> str:
    """WHERE clause keeping rows whose report (by `id_column`) matches the query in parameter `:param`.

    Each index is asked only when a term needs it; the guard comes first so that
    an empty expression never reaches MATCH.
    """
    long, short = f"nianbao_long_match(:{param})", f"nianbao_short_match(:{param})"
    return (f"({long} = '' or {id_column} in (select rowid from reports_fts "
            f"where {long} != '' and reports_fts match {long})) "
            f"and ({short} = '' or {id_column} in (select rowid from report_bigrams_fts "
            f"where {short} != '' and report_bigrams_fts match {short}))")


def search_sql_for(query: str | None, id_column: str, param: str = "search") -> str:
    """search_sql for a query known now (a list's `?_search=`): only the indexes its terms need, no guard.

    Without the `… = '' or` guard SQLite can drive the list from the matching ids (primary-key
    lookups) instead of scanning every row and probing the match; the matches are the same.
    """
    parts = []
    if long_match(query):
        parts.append(f"{id_column} in (select rowid from reports_fts where reports_fts match "
                     f"nianbao_long_match(:{param}))")
    if short_match(query):
        parts.append(f"{id_column} in (select rowid from report_bigrams_fts where report_bigrams_fts match "
                     f"nianbao_short_match(:{param}))")
    return " and ".join(parts) or "1"


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text: up to and including 。！？； or a line break."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def _mark(sentence: str, words: list[str]) -> str:
    """Wrap every occurrence of any word (case-insensitive, longest first) in MARK_START/MARK_END."""
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, sentence)


def sentence_snippet(text: str | bytes | None, title: str | None, query: str | None) -> str | None:
    """The sentence with the most terms of `query` in text (else the title), hits marked, cut to ~120 chars.

    `text` as `reports.text` stores it: compressed or not (crawler/record/textstore.py).
    """
    words = [t for t in terms(query) if t.strip()]
    if not words:
        return None
    lowered = [w.lower() for w in words]
    best: tuple[int, int, int] | None = None  # (terms found, -start, end) of the best sentence
    body = unpack_text(text) or ""
    low = body.lower()
    for start, end in _sentences(body):
        found = sum(1 for w in lowered if w in low[start:end])
        if found and (best is None or found > best[0]):
            best = (found, start, end)
            if found == len(words):
                break
    if best is None:
        return _mark(title, words) if title and any(w in title.lower() for w in lowered) else None
    _, start, end = best
    sentence = body[start:end].strip()
    if len(sentence) > SNIPPET_CHARS:  # centre on the first hit
        first = min((sentence.lower().find(w) for w in lowered if w in sentence.lower()), default=0)
        lo = max(0, first - SNIPPET_CHARS // 3)
        sentence = ("…" if lo else "") + sentence[lo:lo + SNIPPET_CHARS] + \
            ("…" if lo + SNIPPET_CHARS < len(sentence) else "")
    return _mark(sentence, words)


def register_functions(conn: sqlite3.Connection) -> None:
    """nianbao_long_match, nianbao_short_match and nianbao_snippet(text, title, query) on this connection."""
    conn.create_function("nianbao_long_match", 1, long_match, deterministic=True)
    conn.create_function("nianbao_short_match", 1, short_match, deterministic=True)
    conn.create_function("nianbao_snippet", 3, sentence_snippet, deterministic=True)
