"""A readable diff of two texts for edit histories: Chinese compared character by
character, Latin runs word by word, rendered as escaped HTML with `<ins>` and `<del>`.

`difflib` on raw characters would cut English words into letters ("c<del>a</del><ins>u</ins>t"),
on whitespace-split words it would treat a whole Chinese sentence as one word. The
tokenizer gives each CJK character its own token, keeps a run of letters and digits (with
inner `'`, `-`, `.`, `_`) as one word, a run of whitespace as one token, and any other
character (punctuation) as one token.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

import markupsafe

# CJK ideographs (with extensions A-G and compatibility forms), kana, Hangul and CJK/fullwidth
# punctuation: one token per character.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f"
)
_TOKEN = re.compile(
    rf"[{_CJK}]"  # one CJK character
    rf"|(?:(?![{_CJK}])\w)+(?:['’\-._](?:(?![{_CJK}])\w)+)*"  # a Latin word, 3.14, e-mail
    r"|\s+"  # a run of whitespace (newlines kept)
    r"|.",  # anything else: one character
    re.DOTALL,
)

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """`text` as diff tokens; joining them gives `text` back."""
    return _TOKEN.findall(text)


def diff(before: str, after: str) -> list[Piece]:
    """The pieces turning `before` into `after`, neighbours of one kind merged; a
    replacement is its deletion followed by its insertion."""
    old, new = tokens(before), tokens(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[Piece] = []

    def add(op: Op, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1].op == op:
            pieces[-1] = Piece(op, pieces[-1].text + text)
        else:
            pieces.append(Piece(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(old[i1:i2]))
            continue
        add("delete", "".join(old[i1:i2]))
        add("insert", "".join(new[j1:j2]))
    return pieces


def diff_html(before: str, after: str) -> markupsafe.Markup:
    """The diff as HTML: every text escaped, changes in `<del>` / `<ins>`."""
    return pieces_html(diff(before, after))


def pieces_html(pieces: list[Piece]) -> markupsafe.Markup:
    out = []
    for piece in pieces:
        text = markupsafe.escape(piece.text)
        if piece.op == "insert":
            out.append(markupsafe.Markup("<ins>{}</ins>").format(text))
        elif piece.op == "delete":
            out.append(markupsafe.Markup("<del>{}</del>").format(text))
        else:
            out.append(text)
    return markupsafe.Markup("").join(out)


def changed(pieces: list[Piece]) -> tuple[int, int]:
    """(characters deleted, characters inserted), for a one-line summary."""
    removed = sum(len(p.text) for p in pieces if p.op == "delete")
    added = sum(len(p.text) for p in pieces if p.op == "insert")
    return removed, added
