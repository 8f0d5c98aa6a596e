"""The edit history's diff (forum/textdiff.py): CJK by character, Latin by word, escaped."""

from __future__ import annotations

import itertools

import pytest

from forum.textdiff import Piece, changed, diff, diff_html, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学习贯彻", ["学", "习", "贯", "彻"]),
        ("hello world", ["hello", " ", "world"]),
        ("党建work法", ["党", "建", "work", "法"]),
        ("版本 3.14 和 e-mail", ["版", "本", " ", "3.14", " ", "和", " ", "e-mail"]),
        ("don't stop", ["don't", " ", "stop"]),
        ("第一，第二。", ["第", "一", "，", "第", "二", "。"]),
        ("a,b", ["a", ",", "b"]),
        ("行一\n\n行二", ["行", "一", "\n\n", "行", "二"]),
        ("<b>&amp;", ["<", "b", ">", "&", "amp", ";"]),
        ("", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected
    assert "".join(tokens(text)) == text


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("完全相同", "完全相同", "完全相同"),
        ("学习会议精神", "学习全会精神", "学习<ins>全</ins>会<del>议</del>精神"),  # per character
        ("认真学习", "学习", "<del>认真</del>学习"),
        ("学习", "认真学习", "<ins>认真</ins>学习"),
        ("the cat sat", "the dog sat", "the <del>cat</del><ins>dog</ins> sat"),
        # A changed English word is replaced whole, never letter by letter.
        ("cut", "cat", "<del>cut</del><ins>cat</ins>"),
        ("", "新内容", "<ins>新内容</ins>"),
        ("旧内容", "", "<del>旧内容</del>"),
        # Everything is escaped, changed or not.
        (
            "<b>粗</b>",
            "<i>粗</i>",
            "&lt;<del>b</del><ins>i</ins>&gt;粗&lt;/<del>b</del><ins>i</ins>&gt;",
        ),
        ("a & b", "a & c", "a &amp; <del>b</del><ins>c</ins>"),
        ('"x"', "'x'", "<del>&#34;</del><ins>&#39;</ins>x<del>&#34;</del><ins>&#39;</ins>"),
    ],
)
def test_diff_html(before: str, after: str, expected: str) -> None:
    assert str(diff_html(before, after)) == expected


def test_a_script_in_an_edit_is_text() -> None:
    html = str(diff_html("正文", "正文<script>alert(1)</script>"))
    assert "<script>" not in html
    assert html == "正文<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>"


def test_pieces_rebuild_both_texts_and_count_characters() -> None:
    before, after = "推进基层党建 work well", "推动基层党建工作 works well"
    pieces = diff(before, after)
    assert "".join(p.text for p in pieces if p.op != "insert") == before
    assert "".join(p.text for p in pieces if p.op != "delete") == after
    assert all(a.op != b.op for a, b in itertools.pairwise(pieces))  # merged
    assert changed(pieces) == (
        sum(len(p.text) for p in pieces if p.op == "delete"),
        sum(len(p.text) for p in pieces if p.op == "insert"),
    )
    assert changed([Piece("equal", "同")]) == (0, 0)


def test_the_newlines_of_a_post_survive() -> None:
    # A run of whitespace is one token: a new blank line replaces the line break.
    html = str(diff_html("第一段\n第二段", "第一段\n\n第二段"))
    assert html == "第一段<del>\n</del><ins>\n\n</ins>第二段"
