"""The managed word list: add, delete, import (audited), and the cached matcher.

Each worker caches one `WordMatcher`. Every change bumps `WordListVersion` in the same
transaction; workers compare versions at most every `CHECK_SECONDS` (and at once after a
change in their own process), then rebuild.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, uploads
from forum.errors import ActionError, NotFound
from forum.http import storable
from forum.policy import Viewer, can_manage_words, ensure
from moderation.models import WORD_ACTION_LABELS, WatchedWord, WordAction, WordListVersion
from moderation.wordfilter import Entry, WordMatcher, normalize_word

CHECK_SECONDS = 2.0
MAX_IMPORT_LINES = 50_000
DEFAULT_CATEGORY = "敏感内容"
ACTION_ALIASES: dict[str, str] = {
    **{a.value: a.value for a in WordAction},
    "禁止": "block",
    "禁止发布": "block",
    "拦截": "block",
    "替换": "replace",
    "屏蔽": "replace",
    "审核": "review",
    "送审": "review",
    "送审核": "review",
    "标记": "flag",
}


@dataclass
class _Cache:
    version: int = -1
    matcher: WordMatcher | None = None
    checked_at: float = 0.0
    dirty: bool = True


_cache = _Cache()


def invalidate() -> None:
    """Force a version check on the next use (this process changed the list)."""
    _cache.dirty = True


async def current_version() -> int:
    row = await WordListVersion.get_or_none(id=1)
    return int(row.version) if row else 0


async def matcher() -> WordMatcher:
    now = time.monotonic()
    if not _cache.dirty and _cache.matcher is not None and now - _cache.checked_at < CHECK_SECONDS:
        return _cache.matcher
    version = await current_version()
    if _cache.dirty or _cache.matcher is None or version != _cache.version:
        rows = await WatchedWord.all().values_list("word", "action", "category")
        _cache.matcher = WordMatcher(Entry(str(w), str(a), str(c)) for w, a, c in rows)
        _cache.version = version
        _cache.dirty = False
    _cache.checked_at = now
    return _cache.matcher


async def _bump_version() -> None:
    if not await WordListVersion.filter(id=1).update(version=F("version") + 1):
        await WordListVersion.create(id=1, version=1)


def clean_entry(word: str, action: str, category: str) -> tuple[str, str, str, str]:
    word = word.strip()
    if not word:
        raise ActionError("请填写词语", field="word")
    if len(word) > 64:
        raise ActionError("词语不能超过 64 个字符", field="word")
    # An uploaded file skips the check at the door (read_form): no text column stores NUL.
    if not storable(word):
        raise ActionError("词语包含无效字符", field="word")
    key = normalize_word(word)
    if not key:
        raise ActionError("词语不能只包含空格或标点", field="word")
    action = ACTION_ALIASES.get(action.strip().lower(), "")
    if not action:
        raise ActionError(
            "请选择处理方式：" + "、".join(WORD_ACTION_LABELS.values()), field="action"
        )
    category = category.strip() or DEFAULT_CATEGORY
    if len(category) > 32:
        raise ActionError("类别不能超过 32 个字符", field="category")
    if not storable(category):
        raise ActionError("类别包含无效字符", field="category")
    return word, key, action, category


async def add_word(actor: Viewer, word: str, action: str, category: str = "") -> WatchedWord:
    ensure(can_manage_words(actor))
    word, key, action, category = clean_entry(word, action, category)
    async with in_transaction():
        if await WatchedWord.filter(normalized=key).exists():
            raise ActionError(f"词语“{word}”已在词库中", field="word")
        entry = await WatchedWord.create(
            word=word, normalized=key, action=action, category=category, created_by_id=actor.user_id
        )
        await _bump_version()
        await audit.record(
            actor,
            "word.add",
            "watched_word",
            entry.id,
            after={"word": word, "action": action, "category": category},
        )
    invalidate()
    return entry


async def delete_word(actor: Viewer, word_id: int) -> None:
    ensure(can_manage_words(actor))
    async with in_transaction():
        entry = await WatchedWord.get_or_none(id=word_id)
        if entry is None:
            raise NotFound()
        await entry.delete()
        await _bump_version()
        await audit.record(
            actor,
            "word.delete",
            "watched_word",
            word_id,
            before={"word": entry.word, "action": str(entry.action), "category": entry.category},
        )
    invalidate()


def read_word_file(content: bytes) -> str:
    """An uploaded word list: UTF-8 text (with or without BOM) within the upload size limit."""
    uploads.check_size(content, uploads.limits())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActionError("请上传 UTF-8 编码的文本文件", field="file") from exc


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    errors: tuple[str, ...]


def parse_lines(
    text: str, default_action: str
) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Lines of `词语[,处理方式[,类别]]` (comma, tab or full-width comma); `#` starts a comment.
    Line count and length are refused while reading (`forum.uploads`), before any work."""
    entries: dict[str, tuple[str, str, str, str]] = {}
    errors: list[str] = []
    rows = uploads.text_lines(text, uploads.limits(), max_lines=MAX_IMPORT_LINES)
    for number, line in enumerate(rows, 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("\t", ",").replace("，", ",").split(",")]
        word = parts[0]
        action = parts[1] if len(parts) > 1 and parts[1] else default_action
        category = parts[2] if len(parts) > 2 else ""
        try:
            cleaned = clean_entry(word, action, category)
        except ActionError as exc:
            errors.append(f"第 {number} 行：{exc.message}")
            continue
        entries[cleaned[1]] = cleaned
    return list(entries.values()), errors


async def import_words(
    actor: Viewer | None, text: str, default_action: str = "block"
) -> ImportResult:
    """Add or update many entries at once (actor None: the CLI, recorded as the system)."""
    if actor is not None:
        ensure(can_manage_words(actor))
    if ACTION_ALIASES.get(default_action.strip().lower()) is None:
        raise ActionError("默认处理方式无效", field="action")
    # Normalising tens of thousands of lines is pure CPU: off the event loop.
    entries, errors = await uploads.off_loop(parse_lines, text, default_action)
    if not entries:
        raise ActionError(
            "文件中没有可导入的词语" + ("：" + errors[0] if errors else ""), field="file"
        )
    async with in_transaction():
        existing = {
            str(row.normalized): row
            for row in await WatchedWord.filter(normalized__in=[e[1] for e in entries])
        }
        new = [
            WatchedWord(
                word=w,
                normalized=k,
                action=a,
                category=c,
                created_by_id=actor.user_id if actor else None,
            )
            for w, k, a, c in entries
            if k not in existing
        ]
        await WatchedWord.bulk_create(new, batch_size=1000)
        updated = 0
        for _word, k, a, c in entries:
            row = existing.get(k)
            if row is not None and (str(row.action), row.category) != (a, c):
                await WatchedWord.filter(id=row.id).update(action=a, category=c)
                updated += 1
        await _bump_version()
        await audit.record(
            actor or SYSTEM,
            "word.import",
            "watched_word",
            "",
            after={"created": len(new), "updated": updated, "errors": len(errors)},
        )
    invalidate()
    return ImportResult(len(new), updated, tuple(errors))


SYSTEM = Viewer(username="system")
