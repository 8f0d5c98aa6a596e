"""Sensitive-word matching (pure, no database): Aho-Corasick over a normalized text.

Chinese has no word boundaries, so entries match anywhere. Simple evasions are undone
before matching: NFKC folds full-width forms to half-width (and compatibility forms to
their base), `casefold()` removes case, and separators (spaces, punctuation, symbols,
zero-width and other invisible characters) are dropped. Each normalized character keeps
the index of the original character it came from, so matches map back to the original
text for masking and messages.

Speed: no Python loop per character. Folding is one `str.translate` (C). Only when the
automaton found something is the position map built, and only from the few characters whose
folded width is not 1 (dropped separators, expansions such as "ß" -> "ss"): a compiled
character class of the ones seen so far finds them (C), and each match maps back with a
binary search over their folded offsets. When there are none the map is the identity. (Past
`_MAX_NONUNIT` such characters the class is not grown; the map then comes from a second
`str.translate` giving every character's width, summed by `itertools.accumulate`, both C.)
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, repeat

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


# Characters seen whose folded form is not exactly one character, and the class finding them.
_MAX_NONUNIT = 20_000
_nonunit: set[str] = set()
_nonunit_class: re.Pattern[str] | None = None


class _FoldTable(dict[int, str]):
    """`str.translate` table filled on first sight of each code point (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        global _nonunit_class
        ch = chr(code)
        form = fold_char(ch)
        if len(form) != 1 and ch not in _nonunit and len(_nonunit) < _MAX_NONUNIT:
            _nonunit.add(ch)
            _nonunit_class = None  # rebuilt on the next position map
        if len(self) < 200_000:
            self[code] = form
        return form


_TABLE = _FoldTable()


def _nonunit_pattern() -> re.Pattern[str] | None:
    global _nonunit_class
    if len(_nonunit) >= _MAX_NONUNIT:
        return None
    if _nonunit_class is None:
        _nonunit_class = re.compile("[" + "".join(re.escape(c) for c in sorted(_nonunit)) + "]")
    return _nonunit_class


def fold(text: str) -> str:
    """The normalized text alone (fast path: no position map)."""
    return text.translate(_TABLE)


class _WidthTable(dict[int, str]):
    """`str.translate` table: each code point -> chr(length of its folded form)."""

    def __missing__(self, code: int) -> str:
        width = chr(min(len(fold_char(chr(code))), 255))
        if len(self) < 200_000:
            self[code] = width
        return width


_WIDTHS = _WidthTable()


def _widths(text: str) -> bytes | None:
    """The folded width of each original character, or None when all are 1 (identity)."""
    widths = text.translate(_WIDTHS)
    if widths.count("\x01") == len(widths):
        return None
    return widths.encode("latin-1")


def normalize(text: str) -> tuple[str, list[int]]:
    """(normalized text, original index of each normalized character)."""
    widths = _widths(text)
    if widths is None:
        return fold(text), list(range(len(text)))
    positions = list(chain.from_iterable(map(repeat, range(len(text)), widths)))
    return fold(text), positions


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
        pattern = _nonunit_pattern()
        if pattern is None:  # the class is full: every character's width, summed in C
            widths = _widths(text)
            if widths is None:
                return [Match(e, end - n + 1, end + 1) for end, (n, e) in found]
            ends = list(accumulate(widths))  # ends[i]: folded length after original char i
            return [
                Match(e, bisect_right(ends, end - n + 1), bisect_right(ends, end) + 1)
                for end, (n, e) in found
            ]
        where = [m.start() for m in pattern.finditer(text)]
        if not where:  # every character folded to one: positions are the identity
            return [Match(e, end - n + 1, end + 1) for end, (n, e) in found]
        # For the k-th such character: its folded range [starts[k], stops[k]) and the shift
        # (folded minus original index) of the characters after it, shifts[k + 1].
        starts: list[int] = []
        stops: list[int] = []
        shifts = [0]
        shift = 0
        table = _TABLE
        for index in where:
            starts.append(index + shift)
            shift += len(table[ord(text[index])]) - 1
            stops.append(index + shift + 1)
            shifts.append(shift)
        count = len(where)

        def origin(f: int) -> int:
            k = bisect_right(stops, f)
            if k < count and starts[k] <= f:
                return where[k]  # inside an expansion
            return f - shifts[k]

        return [Match(e, origin(end - n + 1), origin(end) + 1) for end, (n, e) in found]


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


# Seed the tables with the separators and width forms most texts carry (Latin-1, general
# punctuation, CJK symbols and punctuation, half/full-width forms): about 700 characters.
fold("".join(map(chr, [*range(0x100), *range(0x2000, 0x2070), *range(0x3000, 0x3040),
                       *range(0xFF00, 0xFFF0)])))  # fmt: skip
