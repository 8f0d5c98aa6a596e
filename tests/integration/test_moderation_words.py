"""The managed word list: screen_text actions, cache across workers, import (UI and CLI),
display-name check, site-admin-only management, audit rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tortoise.expressions import F

import moderation.routes  # noqa: F401  (installs the display-name check)
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden
from moderation import hooks, words
from moderation.models import WatchedWord, WordListVersion
from tests.conftest import DATABASE_URL
from tests.factories import make_person, viewer_of
from tests.helpers import Client
from tests.moderation_helpers import strict_moderation  # noqa: F401


async def test_screen_text_applies_each_action(site_admin, services) -> None:  # type: ignore[no-untyped-def]
    await words.add_word(site_admin, "法轮功", "block", "邪教")
    await words.add_word(site_admin, "傻瓜", "replace", "辱骂")
    await words.add_word(site_admin, "VPN", "review", "翻墙")
    await words.add_word(site_admin, "刷单", "flag", "广告")
    assert await AuditEntry.filter(action="word.add").count() == 4
    with pytest.raises(ActionError, match="邪教") as info:
        await hooks.screen_text(site_admin, "宣传 法 轮\u200b功", field="body")
    assert info.value.field == "body" and "法 轮\u200b功" in info.value.message
    screened = await hooks.screen_text(site_admin, "你这个傻　瓜", field="body")
    assert screened.text == "你这个***" and not screened.needs_review
    screened = await hooks.screen_text(site_admin, "求ｖｐｎ，顺便刷单", field="body")
    assert screened.needs_review
    assert screened.flag_reasons == ("翻墙：VPN", "广告：刷单")
    assert (await hooks.screen_text(site_admin, "正常的讨论", field="body")).text == "正常的讨论"


async def test_duplicate_and_invalid_entries_refused(site_admin, services) -> None:  # type: ignore[no-untyped-def]
    await words.add_word(site_admin, "代开发票", "replace")
    with pytest.raises(ActionError, match="已在词库"):
        await words.add_word(site_admin, "代 开 发 票", "block")
    with pytest.raises(ActionError):
        await words.add_word(site_admin, "，。", "block")
    with pytest.raises(ActionError):
        await words.add_word(site_admin, "某词", "explode")
    assert await WatchedWord.all().count() == 1
    assert await AuditEntry.filter(action="word.add").count() == 1


async def test_delete_word_takes_effect_and_is_audited(site_admin, services) -> None:  # type: ignore[no-untyped-def]
    entry = await words.add_word(site_admin, "坏词", "block")
    with pytest.raises(ActionError):
        await hooks.screen_text(site_admin, "坏词", field="body")
    await words.delete_word(site_admin, entry.id)
    assert (await hooks.screen_text(site_admin, "坏词", field="body")).text == "坏词"
    audit = await AuditEntry.get(action="word.delete")
    assert audit.before == {"word": "坏词", "action": "block", "category": "敏感内容"}


async def test_matcher_rebuilds_when_another_worker_changes_the_list(
    site_admin, services, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    await words.add_word(site_admin, "旧词", "block")
    await hooks.screen_text(site_admin, "热身", field="body")
    # Another worker: rows and version change in the database, this process is not told.
    await WatchedWord.create(word="新词", normalized="新词", action="block", category="x")
    await WordListVersion.filter(id=1).update(version=F("version") + 1)
    monkeypatch.setattr(words, "CHECK_SECONDS", 3600.0)
    assert (await hooks.screen_text(site_admin, "新词", field="body")).text == "新词"  # cached
    monkeypatch.setattr(words, "CHECK_SECONDS", 0.0)
    with pytest.raises(ActionError):
        await hooks.screen_text(site_admin, "新词", field="body")


async def test_import_words_creates_updates_and_reports_errors(site_admin, services) -> None:  # type: ignore[no-untyped-def]
    await words.add_word(site_admin, "已有", "flag")
    text = "# 注释\n甲词\n乙词,替换,辱骂\n已有,block,广告\n丙词\tbad-action\n\n丁词，审核"
    result = await words.import_words(site_admin, text, "block")
    assert (result.created, result.updated, len(result.errors)) == (3, 1, 1)
    assert "第 5 行" in result.errors[0]
    rows = {w.word: (str(w.action), w.category) for w in await WatchedWord.all()}
    assert rows["乙词"] == ("replace", "辱骂") and rows["已有"] == ("block", "广告")
    assert rows["丁词"][0] == "review" and rows["甲词"][0] == "block"
    audit = await AuditEntry.get(action="word.import")
    assert audit.after == {"created": 3, "updated": 1, "errors": 1}
    with pytest.raises(ActionError):
        await hooks.screen_text(site_admin, "甲 词", field="body")


async def test_non_admin_cannot_manage_words(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    moderator = await make_person(None, None, username="site_mod", role="moderator")
    with pytest.raises(Forbidden):
        await words.add_word(await viewer_of(moderator), "词", "block")
    await client.login(moderator.username)
    assert (await client.get("/moderation/words")).status_code == 404
    assert (
        await client.post_form("/moderation/words", {"word": "词", "action": "block"})
    ).status_code == 403
    assert await WatchedWord.all().count() == 0


async def test_word_pages_add_upload_and_delete(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    admin = await make_person(None, None, username="site_admin2", role="site_admin")
    await client.login(admin.username)
    assert (await client.get("/moderation/words")).status_code == 200
    response = await client.post_form(
        "/moderation/words", {"word": "网页词", "action": "replace", "category": "测试"}
    )
    assert response.status_code == 303
    csrf = await client.csrf()
    upload = await client.http.post(
        "/moderation/words/import",
        data={"csrf_token": csrf, "action": "flag"},
        files={"file": ("words.txt", "上传一\n上传二,block\n".encode(), "text/plain")},
    )
    assert upload.status_code == 303 and upload.headers["location"] == "/moderation/words"
    page = await client.get(upload.headers["location"])
    assert "新增 2 个" in page.text and "上传二" in page.text
    word = await WatchedWord.get(word="网页词")
    delete = f"/moderation/words/{word.id}/delete"
    assert "确定删除" in (await client.post_form(delete)).text  # asked first
    assert await WatchedWord.filter(word="网页词").exists()
    assert (await client.post_form(delete, {"confirmed": "1"})).status_code == 303
    assert not await WatchedWord.filter(word="网页词").exists()
    assert (
        await AuditEntry.filter(action__in=["word.add", "word.import", "word.delete"]).count() == 3
    )


async def test_display_name_with_blocked_word_refused(site_admin, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    await words.add_word(site_admin, "管理员", "block", "冒充身份")
    await words.add_word(site_admin, "笨蛋", "replace", "辱骂")
    response = await client.post_form(
        "/register",
        {
            "username": "newbie",
            "display_name": "官方管 理 员",
            "password": "password-123",
            "password_confirm": "password-123",
        },
    )
    assert response.status_code == 400 and "冒充身份" in response.text
    from forum.accounts.actions import clean_display_name

    assert await clean_display_name("大笨蛋") == "大**"


async def test_cli_import_words(database, services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "words.txt"
    source.write_text("命令行一\n命令行二,replace,广告\n", encoding="utf-8")
    env = {"FORUM_DATABASE_URL": DATABASE_URL}
    result = subprocess.run(
        [sys.executable, "-m", "forum.cli", "import-words", str(source), "--action", "review"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "新增 2 个" in result.stdout
    rows = {w.word: str(w.action) for w in await WatchedWord.all()}
    assert rows == {"命令行一": "review", "命令行二": "replace"}
    assert await AuditEntry.filter(action="word.import", actor_id=None).count() == 1


async def test_import_refuses_nul_inside_a_word_or_category(site_admin, services) -> None:  # type: ignore[no-untyped-def]
    """An uploaded file skips the form's NUL check: the line is refused, never stored
    (PostgreSQL cannot store NUL: it used to be a 500 there)."""
    result = await words.import_words(site_admin, "甲\x00乙\n好词,block,类\x00别\n正常词\n", "flag")
    assert result.created == 1 and len(result.errors) == 2
    assert "无效字符" in result.errors[0] and "无效字符" in result.errors[1]
    assert [w.word for w in await WatchedWord.all()] == ["正常词"]
    with pytest.raises(ActionError, match="无效字符"):
        await words.import_words(site_admin, "甲\x00乙\n", "flag")
