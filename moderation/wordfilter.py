"""Sensitive-word matching (pure, no database): Aho-Corasick over a normalized text.

Chinese has no word boundaries, so entries match anywhere. Simple evasions are undone
before matching: NFKC folds full-width forms to half-width (and compatibility forms to
their base), `casefold()` removes case, and separators (spaces, punctuation, symbols,
zero-width and other invisible characters) are dropped. Each normalized character keeps
the index of the original character it came from, so matches map back to the original
text for masking and messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

# Unicode categories dropped before matching: separators, punctuation, symbols, controls,
# format characters (zero-width space/joiners, BOM, bidi marks) and combining marks.
_IGNORED_CATEGORIES = frozenset(
    {"Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So",
     "Cc", "Cf", "Co", "Cs", "Cn", "Mn", "Me"}
)  # fmt: skip
_folded: dict[str, str] = {}


def fold_char(ch: str) -> str:
    """The matching form of one character ("" when it is ignored); memoized."""
    cached = _folded.get(ch)
    if cached is None:
        cached = "".join(
            c
            for c in unicodedata.normalize("NFKC", ch).casefold()
            if unicodedata.category(c) not in _IGNORED_CATEGORIES
        )
        if len(_folded) < 200_000:
            _folded[ch] = cached
    return cached


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each code point (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        form = fold_char(chr(code))
        if len(self) < 200_000:
            self[code] = form
        return form


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The normalized text alone (fast path: no position map)."""
    return text.translate(_TABLE)


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalized text, original index of each normalized character)."""
    out: list[str] = []
    positions: list[int] = []
    folded = _folded
    for index, ch in enumerate(text):
        form = folded.get(ch)
        if form is None:
            form = fold_char(ch)
        if form:
            out.append(form)
            positions.extend([index] * len(form))
    return "".join(out), positions


def normalize_word(word: str) -> str:
    return normalize(word)[0]


@dataclass(frozen=True)
class Entry:
    word: str
    action: str
    category: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # index in the original text
    end: int  # exclusive

    def original(self, text: str) -> str:
        return text[self.start : self.end]


class WordMatcher:
    """An automaton over normalized entries; build once per word-list version."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._automaton = ahocorasick.Automaton()
        count = 0
        for entry in entries:
            key = normalize_word(entry.word)
            if key:
                self._automaton.add_word(key, (len(key), entry))
                count += 1
        self.size = count
        if count:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        if not self.size or not text:
            return []
        found = list(self._automaton.iter(fold(text)))
        if not found:  # the common case: no position map needed
            return []
        _, positions = normalize(text)
        matches: list[Match] = []
        for end, (length, entry) in found:
            start = end - length + 1
            matches.append(Match(entry, positions[start], positions[end] + 1))
        return matches


def mask(text: str, matches: Iterable[Match], char: str = "*") -> str:
    """Replace every matched span of the original text with `char`, keeping its length."""
    spans = sorted((m.start, m.end) for m in matches)
    if not spans:
        return text
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        start = max(start, cursor)
        if end <= start:
            continue
        out.append(text[cursor:start])
        out.append(char * (end - start))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
