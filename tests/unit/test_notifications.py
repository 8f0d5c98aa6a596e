"""The inbox's pure rules: a member's choice over a kind's default, the batched sentence,
the page's today / earlier groups, and kinds installed as provisions (idempotently)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forum import notifications
from forum.notifications import NotificationKind, batch_sentence, by_day, receives

ON = NotificationKind("t.on", "默认开启", "测试")
OFF = NotificationKind("t.off", "默认关闭", "测试", default_on=False)
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("kind", "choice", "expected"),
    [(ON, None, True), (ON, False, False), (ON, True, True), (OFF, None, False), (OFF, True, True)],
)
def test_choice_beats_default(kind: NotificationKind, choice: bool | None, expected: bool) -> None:
    assert receives(kind, choice) is expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "张三 赞了你的回帖"), (2, "2 人赞了你的回帖"), (37, "37 人赞了你的回帖")],
)
def test_batched_sentence_counts_people(count: int, expected: str) -> None:
    assert batch_sentence("张三 赞了你的回帖", "{count} 人赞了你的回帖", count) == expected


def test_unbatched_kind_keeps_its_text() -> None:
    assert batch_sentence("李四 回复了你的主题", None, 5) == "李四 回复了你的主题"


@dataclass
class Row:
    name: str
    created_at: dt.datetime
    updated_at: dt.datetime | None = None


def test_groups_by_beijing_day_and_last_activity() -> None:
    today = dt.date(2026, 12, 2)
    # 2026-12-01 17:00 UTC is 2026-12-02 01:00 in Beijing: today.
    late = Row("late", dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC))
    old = Row("old", dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC))
    bumped = Row(
        "bumped",
        dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 2, 9, 0, tzinfo=BEIJING),
    )
    groups = by_day([old, late, bumped], today)
    assert [(name, [r.name for r in rows]) for name, rows in groups] == [
        ("今天", ["late", "bumped"]),
        ("更早", ["old"]),
    ]
    assert by_day([old], today)[0][0] == "更早" and by_day([], today) == []


def test_kinds_install_as_provisions_and_unknown_kinds_are_refused() -> None:
    before = len(notifications.KINDS)
    ON.install()
    ON.install()
    try:
        assert len(notifications.KINDS) == before + 1
        assert notifications.kind_of("t.on") is ON
        with pytest.raises(ValueError, match="unknown notification kind"):
            notifications.kind_of("t.nobody-declared-this")
    finally:
        notifications.KINDS.remove("t.on")
