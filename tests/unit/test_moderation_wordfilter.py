"""The word matcher: Chinese without word boundaries, evasions, masking by original position."""

from __future__ import annotations

import pytest

from moderation.wordfilter import Entry, WordMatcher, mask, normalize

ENTRIES = [
    Entry("法轮功", "block", "邪教"),
    Entry("代开发票", "replace", "广告"),
    Entry("VPN", "review", "翻墙"),
    Entry("傻瓜", "replace", "辱骂"),
    Entry("刷单", "flag", "广告"),
]
MATCHER = WordMatcher(ENTRIES)


def words(text: str) -> list[str]:
    return [m.entry.word for m in MATCHER.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这里提到法轮功的内容", ["法轮功"]),  # inside a sentence, no word boundaries
        ("法 轮 功", ["法轮功"]),  # inserted spaces
        ("法.轮-功", ["法轮功"]),  # inserted punctuation
        ("法，轮。功！", ["法轮功"]),  # full-width punctuation
        ("法\u200b轮\u200d功", ["法轮功"]),  # zero-width space / joiner
        ("法\ufeff轮\u00ad功", ["法轮功"]),  # BOM and soft hyphen
        ("法\u3000轮\u3000功", ["法轮功"]),  # ideographic space
        ("买个vpn吧", ["VPN"]),  # case folding
        ("买个ＶＰＮ吧", ["VPN"]),  # full-width Latin
        ("买个Ｖ　p　Ｎ吧", ["VPN"]),  # mixed width, case and spaces
        ("v*p*n", ["VPN"]),  # symbols between letters
        ("你真是个傻瓜", ["傻瓜"]),
        ("专业刷单，代开发票", ["刷单", "代开发票"]),
    ],
)
def test_find_matches_evasions(text: str, expected: list[str]) -> None:
    assert sorted(words(text)) == sorted(expected)


@pytest.mark.parametrize("text", ["法律功能", "轮功法", "代开 票据", "VIP", "", "   "])
def test_find_ignores_unrelated_text(text: str) -> None:
    assert words(text) == []


def test_vp_n_with_space_still_matches_as_evasion() -> None:
    assert words("VP N 不是") == ["VPN"]


def test_positions_map_back_to_original_text() -> None:
    text = "前缀 法 ，轮\u200b功 后缀"
    (match,) = MATCHER.find(text)
    assert match.original(text) == "法 ，轮\u200b功"
    assert text[: match.start] == "前缀 " and text[match.end :] == " 后缀"


def test_mask_keeps_length_and_surroundings() -> None:
    text = "你这傻 瓜，找我代开发票"
    masked = mask(text, [m for m in MATCHER.find(text) if m.entry.action == "replace"])
    assert masked == "你这***，找我****"
    assert len(masked) == len(text)


def test_mask_merges_overlapping_matches() -> None:
    matcher = WordMatcher([Entry("ABC", "replace", "x"), Entry("BCD", "replace", "x")])
    text = "zABCDz"
    assert mask(text, matcher.find(text)) == "z****z"


def test_normalize_reports_original_index_per_character() -> None:
    normalized, positions = normalize("Ａ b\u200bＣ")
    assert normalized == "abc"
    assert positions == [0, 2, 4]


def test_empty_matcher_finds_nothing() -> None:
    assert WordMatcher([]).find("任何内容") == []


def test_entries_that_normalize_to_nothing_are_skipped() -> None:
    matcher = WordMatcher([Entry("，。", "block", "x"), Entry("好", "flag", "y")])
    assert matcher.size == 1


def _reference_normalize(text: str) -> tuple[str, list[int]]:
    """The per-character definition the fast path must agree with."""
    from moderation.wordfilter import fold_char

    out: list[str] = []
    positions: list[int] = []
    for index, ch in enumerate(text):
        form = fold_char(ch)
        out.append(form)
        positions.extend([index] * len(form))
    return "".join(out), positions


@pytest.mark.parametrize(
    "text",
    [
        "",
        "纯中文没有分隔",
        "Ａ b\u200bＣ",
        "straße ﬁx ㎏ ½ Ǆ",  # expansions: one original character folds to several
        "法\u200b轮 ß 功\ufeff",
        "ﷺ 法轮功 ﷺ",  # the longest NFKC expansion (18 characters)
        "\u200b\u200b\u200b",  # everything dropped
    ],
)
def test_normalize_agrees_with_the_per_character_definition(text: str) -> None:
    assert normalize(text) == _reference_normalize(text)


def test_positions_map_back_across_expansions() -> None:
    matcher = WordMatcher([Entry("sefi", "replace", "x"), Entry("法轮功", "block", "x")])
    text = "甲straße ﬁ乙 ½法 轮功"  # ß -> ss, ﬁ -> fi, ½ -> 1/2 (1 and 2 are kept)
    found = {m.entry.word: m.original(text) for m in matcher.find(text)}
    assert found == {"sefi": "ße ﬁ", "法轮功": "法 轮功"}


def test_positions_map_back_when_the_separator_class_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moderation import wordfilter

    monkeypatch.setattr(wordfilter, "_MAX_NONUNIT", 0)  # the fallback: widths of every character
    matcher = WordMatcher([Entry("sefi", "replace", "x"), Entry("法轮功", "block", "x")])
    text = "甲straße ﬁ乙 ½法 轮功"
    found = {m.entry.word: m.original(text) for m in matcher.find(text)}
    assert found == {"sefi": "ße ﬁ", "法轮功": "法 轮功"}
    assert [m.entry.word for m in matcher.find("法轮功")] == ["法轮功"]  # identity widths
