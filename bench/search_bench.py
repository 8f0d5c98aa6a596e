#!/usr/bin/env python3
"""Search benchmark: the one search (`/search`) over 200,000 posts, with disclosures and minutes.

    python bench/search_bench.py [--posts 200000] [--repeat 40]
    SEARCH_BENCH_PG_DSN=postgres://postgres@127.0.0.1:55432 python bench/search_bench.py

Seeds a fresh SQLite database (and, when SEARCH_BENCH_PG_DSN is set, a fresh PostgreSQL
database on that server, dropped afterwards) through the real migrations: a public board and
a branch board, `--posts` posts in topics of 20 (bulk `executemany`, bodies drawn from Chinese
phrases so terms have realistic hit rates), 2,000 disclosures and 1,000 minutes. Then times
`forum.search.engine.run` for a branch member (every part's policy applies) per query type:
1-character, 2-character, 3+-character, no-hit, and with filters. Prints p50/p99 per type next
to the ceiling measured in the same run: the bare match of the same query on the posts
(the index alone, counted up to the search's cap, no policy, ranking or loading), and a
primary-key lookup (one round trip).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_TMP = tempfile.mkdtemp(prefix="grassroots-search-bench-")
os.environ.setdefault("FORUM_DATA_DIR", _TMP)
os.environ.setdefault("FORUM_ID_NUMBER_KEY", base64.urlsafe_b64encode(b"s" * 32).decode())
os.environ.setdefault("FORUM_SECRET_KEY", "bench-secret-" + "s" * 32)
os.environ.setdefault("FORUM_LOG_LEVEL", "warning")

# Phrases the bodies are drawn from, with weights: 党建 lands in ~9% of posts, 组织生活会 in
# ~2%, 党 in most; 量子计算机 in none.
PHRASES: list[tuple[str, int]] = [
    ("推进基层党建工作", 3),
    ("落实“三会一课”制度", 4),
    ("按时召开组织生活会", 1),
    ("开展主题党日活动", 4),
    ("学习贯彻上级会议精神", 6),
    ("加强党员教育管理", 5),
    ("做好党费收缴工作", 3),
    ("深入基层调查研究", 6),
    ("完善村务公开制度", 6),
    ("提升为民服务水平", 8),
    ("抓好安全生产工作", 8),
    ("推动乡村振兴", 8),
    ("改善人居环境", 8),
    ("关心困难群众生活", 8),
    ("**重点**任务要抓实", 4),
    ("![现场照片](/attachments/1/photo.jpg)", 2),
]
WORDS = [p for p, _ in PHRASES]
WEIGHTS = [w for _, w in PHRASES]
PER_TOPIC = 20
CAP = 1000


def body(rng: random.Random) -> str:
    return "，".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(3, 6))) + "。"


async def seed(url: str, posts: int) -> dict[str, Any]:
    from tortoise import Tortoise
    from tortoise.connection import get_connection

    from forum import crypto, db, idcard, markup
    from forum.boards.actions import DEFAULT_ORG_MATRIX, PUBLIC_MATRIX, do_create_board
    from forum.models import Member, User
    from forum.orgs.actions import do_create_org
    from forum.site import orm_config
    from realtime.meetings.models import Meeting, Minutes
    from transparency.actions import do_ensure_catalogue
    from transparency.models import Disclosure, DisclosureCategory

    rendered: dict[str, str] = {}

    def render(raw: str) -> str:  # bodies repeat: render each distinct text once
        if raw not in rendered:
            rendered[raw] = markup.render(raw)
        return rendered[raw]

    await db.migrate(url)
    await Tortoise.init(config=orm_config(url), _enable_global_fallback=True)
    conn = get_connection("default")
    pg = conn.capabilities.dialect == "postgres"

    def marks(n: int) -> str:
        return ",".join(f"${i}" if pg else "?" for i in range(1, n + 1))

    def stamp(value: dt.datetime) -> Any:
        return value if pg else value.isoformat(sep=" ")

    committee = await do_create_org(None, "压测党委", "committee")
    branch = await do_create_org(committee, "压测支部", "branch")
    other = await do_create_org(committee, "另一支部", "branch")
    authors = [
        await User.create(username=f"author{i}", display_name=f"作者{i}", password_hash="!")
        for i in range(50)
    ]
    reader = await User.create(username="reader", display_name="压测党员", password_hash="!")
    first17 = "11010119800101001"
    number = idcard.parse(first17 + idcard.check_char(first17))
    await Member.create(
        user=reader,
        name="压测党员",
        status="full",
        org=branch,
        sex=number.sex,
        birth_date=number.birth_date,
        id_number_encrypted=crypto.encrypt(number.value),
        id_number_hash=crypto.lookup_hash(number.value),
        id_number_hint=idcard.mask(number.value),
    )
    public = await do_create_board("压测版块", matrix=PUBLIC_MATRIX)
    inner = await do_create_board("支部内部", org=branch, matrix=DEFAULT_ORG_MATRIX)
    rng = random.Random(7)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    topics = max(1, posts // PER_TOPIC)
    began = time.monotonic()
    topic_rows = []
    for n in range(topics):
        at = start + dt.timedelta(minutes=3 * n * PER_TOPIC)
        board = public if n % 5 else inner
        title = f"第{n}号主题：" + rng.choices(WORDS[:14], WEIGHTS[:14])[0]
        topic_rows.append(
            [board.id, title, authors[n % 50].id, False, False, False, False, stamp(at),
             stamp(at), "作者", PER_TOPIC - 1, PER_TOPIC]
        )  # fmt: skip
    await conn.execute_many(
        "INSERT INTO boards_topics (board_id, title, author_id, pinned, closed, hidden, held, "  # noqa: S608
        "created_at, last_activity_at, last_poster_name, reply_count, last_number) "
        f"VALUES ({marks(12)})",
        topic_rows,
    )
    ids = [int(r["id"]) for r in await conn.execute_query_dict("SELECT id FROM boards_topics")]
    batch: list[list[Any]] = []
    made = 0
    for k, topic_id in enumerate(sorted(ids)):
        for number_ in range(1, PER_TOPIC + 1):
            if made == posts:
                break
            raw = body(rng)
            at = start + dt.timedelta(minutes=3 * (k * PER_TOPIC + number_))
            batch.append(
                [topic_id, number_, authors[rng.randrange(50)].id, raw, render(raw),
                 markup.VERSION, False, False, False, 0, 0, stamp(at)]
            )  # fmt: skip
            made += 1
        if len(batch) >= 5000:
            await _posts(conn, batch, marks(12))
            batch = []
    if batch:
        await _posts(conn, batch, marks(12))
    await do_ensure_catalogue()
    category = await DisclosureCategory.filter(is_active=True).first()
    assert category is not None
    disclosures = []
    for n in range(2000):
        raw = body(rng)
        title = f"第{n}号公开事项：" + rng.choices(WORDS[:14], WEIGHTS[:14])[0]
        disclosures.append(
            Disclosure(
                title=title, category_id=category.id, org_id=(branch if n % 2 else other).id,
                scope=("public", "all_members", "org_subtree")[n % 3], state="published",
                publish_from=start + dt.timedelta(hours=n), body_raw=raw,
                body_html=render(raw), search_text=f"{title}\n{raw}",
                created_by_id=authors[n % 50].id,
            )
        )  # fmt: skip
    await Disclosure.bulk_create(disclosures, batch_size=500)
    meetings = [
        Meeting(
            org_id=(branch if n % 2 else other).id, org_path=(branch if n % 2 else other).path,
            type="branch_plenary", title=f"第{n}次支部党员大会", status="archived",
            scheduled_at=start + dt.timedelta(days=n), created_by_id=authors[0].id,
        )
        for n in range(1000)
    ]  # fmt: skip
    await Meeting.bulk_create(meetings, batch_size=500)
    made_meetings = await Meeting.all().order_by("id")
    await Minutes.bulk_create(
        [
            Minutes(meeting_id=m.id, record={}, search_text=f"{m.title}\n{body(rng)}\n{body(rng)}",
                    branch_path=m.org_path, host_ids=",")
            for m in made_meetings
        ],
        batch_size=500,
    )  # fmt: skip
    if pg:
        await conn.execute_script("ANALYZE")
    return {
        "seconds": time.monotonic() - began,
        "reader": reader.id,
        "author": authors[3].username,
        "board": public.id,
        "branch": branch.path,
        "start": start,
    }


async def _posts(conn: Any, rows: list[list[Any]], marks: str) -> None:
    await conn.execute_many(
        "INSERT INTO boards_posts (topic_id, number, author_id, body_raw, body_html, "  # noqa: S608
        "render_version, hidden, deleted, held, like_count, edit_count, created_at) "
        f"VALUES ({marks})",
        rows,
    )


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(work: Any, repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = await work()
        samples.append((time.perf_counter() - began) * 1000)
    return samples, result


async def measure(url: str, posts: int, repeat: int) -> None:
    from tortoise import Tortoise

    from forum import site
    from forum.db import raw
    from forum.search import engine
    from forum.search.providers import SearchQuery
    from forum.search.text import match
    from forum.viewer import viewer_for_user

    site.install()
    try:
        info = await seed(url, posts)
        print(f"\n{url.split('://')[0]}: seeded {posts} posts, 2000 disclosures, 1000 minutes "
              f"in {info['seconds']:.1f}s")  # fmt: skip
        viewer = await viewer_for_user(info["reader"])
        year = info["start"] + dt.timedelta(days=60)
        queries = [
            ("1-char 党", SearchQuery("党")),
            ("2-char 党建", SearchQuery("党建")),
            ("3+-char 组织生活会", SearchQuery("组织生活会")),
            ("no-hit 量子计算机", SearchQuery("量子计算机")),
            ("no-hit 2-char 量子", SearchQuery("量子")),
            ("2-char, sort by date", SearchQuery("党建", sort="date")),
            (
                "2-char + board + 60 days",
                SearchQuery(
                    "党建",
                    part="forum",
                    place=str(info["board"]),
                    since=info["start"],
                    before=year,
                ),
            ),
            (
                "3+-char + author, page 5",
                SearchQuery("三会一课", author_ids=(await _user_id(info["author"]),), page=5),
            ),
        ]
        floor, _ = await timed(lambda: raw("SELECT id FROM boards_posts WHERE id = ?", [1]), 200)
        print(
            f"floor: primary-key lookup p50 {pct(floor, 0.5):.2f} ms, p99 {pct(floor, 0.99):.2f} ms"
        )
        print(f"{'query':<32}{'found':>7}{'p50 ms':>9}{'p99 ms':>9}{'match p50':>11}{'x match':>9}")
        for label, query in queries:
            await engine.run(viewer, query)  # warm
            samples, results = await timed(lambda q=query: engine.run(viewer, q), repeat)
            fragment = match(query.text, fts="boards_search_fts", rowid="p.id",
                             columns=_post_columns())  # fmt: skip
            bare, _ = await timed(
                lambda f=fragment: raw(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 FROM boards_posts p "  # noqa: S608
                    f"JOIN boards_topics t ON t.id = p.topic_id WHERE {f.sql} LIMIT ?) c",
                    [*f.params, CAP + 1],
                ),
                max(5, repeat // 4),
            )
            p50, p99, b50 = pct(samples, 0.5), pct(samples, 0.99), statistics.median(bare)
            print(f"{label:<32}{results.total_label:>7}{p50:>9.1f}{p99:>9.1f}{b50:>11.1f}"
                  f"{p50 / b50 if b50 else 0:>9.1f}")  # fmt: skip
    finally:
        await Tortoise.close_connections()


def _post_columns() -> tuple[tuple[str, str], ...]:
    from forum.boards.queries.search import POST_COLUMNS

    return POST_COLUMNS


async def _user_id(username: str) -> int:
    from forum.models import User

    return (await User.get(username=username)).id


async def _postgres_database(dsn: str, name: str, create: bool) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn + "/postgres")
    try:
        await conn.execute(f'{"CREATE" if create else "DROP"} DATABASE "{name}"')
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--url", default="", help="measure this database only (internal)")
    args = parser.parse_args()
    if args.url:
        asyncio.run(measure(args.url, args.posts, args.repeat))
        return 0
    urls = [f"sqlite://{_TMP}/search.sqlite3"]
    dsn = os.environ.get("SEARCH_BENCH_PG_DSN", "").rstrip("/")
    name = f"search_bench_{uuid.uuid4().hex[:8]}"
    if dsn:
        asyncio.run(_postgres_database(dsn, name, True))
        urls.append(f"{dsn}/{name}")
    try:
        # One process per database: Tortoise caches its SQL per connection name.
        for url in urls:
            command = [sys.executable, __file__, "--url", url, "--posts", str(args.posts)]
            subprocess.run([*command, "--repeat", str(args.repeat)], check=True)
    finally:
        if dsn:
            asyncio.run(_postgres_database(dsn, name, False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
