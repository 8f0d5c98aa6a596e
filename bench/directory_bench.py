"""Directory benchmark: 100,000 members in a 1,000-org tree.

Times the directory search (name substring, org subtree, status), the subtree statistics
(whole tree and one committee) and an import of 10,000 rows (validation + insert), and
prints the figures. Runs on a fresh temporary SQLite database by default:

    python bench/directory_bench.py [--members 100000] [--import-rows 10000]
    python bench/directory_bench.py --database postgres://postgres@127.0.0.1:55432/bench_dir
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_TMP = tempfile.mkdtemp(prefix="grassroots-bench-")
os.environ.setdefault("FORUM_DATA_DIR", _TMP)
os.environ.setdefault("FORUM_ID_NUMBER_KEY", base64.urlsafe_b64encode(b"q" * 32).decode())
os.environ.setdefault("FORUM_SECRET_KEY", "bench-secret-" + "z" * 32)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
    "潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "建国华明丽军强伟芳敏静秀英红霞平刚杰涛斌超勇艳娟玲燕辉鹏飞云海波宁峰磊洋晨阳雪梅兰"


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def timed(label: str, work: Callable[[], Awaitable[Any]], repeat: int = 5) -> Any:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await work()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"  {label:<46} median {statistics.median(samples):8.1f} ms   best {min(samples):8.1f} ms"
    )
    return result


async def build_tree() -> tuple[Any, list[Any], list[Any]]:
    from forum.orgs.actions import do_create_org

    root = await do_create_org(None, "基准党委", "committee")
    committees, branches, groups = [], [], []
    for c in range(9):
        committee = await do_create_org(root, f"第{c + 1}党委", "committee")
        committees.append(committee)
        for g in range(10):
            general = await do_create_org(committee, f"第{c + 1}-{g + 1}党总支", "general_branch")
            for b in range(5):
                branch = await do_create_org(general, f"第{c + 1}-{g + 1}-{b + 1}支部", "branch")
                branches.append(branch)
                groups.append(await do_create_org(branch, f"{branch.name}一组", "group"))
    return root, committees, branches + groups


async def seed_members(count: int, branches: list[Any], rng: random.Random) -> None:
    from forum import crypto, idcard
    from forum.models import Member

    statuses = ["full"] * 70 + ["probationary"] * 8 + ["development_target"] * 5
    statuses += ["activist"] * 8 + ["applicant"] * 9
    plain_branches = [b for b in branches if str(b.kind) == "branch"]
    seen: set[str] = set()
    batch: list[Member] = []
    today = dt.date(2026, 11, 1)
    while len(seen) < count:
        birth = dt.date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        number = idcard.generate(rng, birth, sex, region=rng.choice(["110101", "340524"]))
        if number in seen:
            continue
        seen.add(number)
        status = rng.choice(statuses)
        probation = None
        full = None
        if status in {"probationary", "full"}:
            probation = min(birth + dt.timedelta(days=365 * rng.randint(19, 50)), today)
            if status == "full":
                full = min(probation + dt.timedelta(days=366), today)
        batch.append(
            Member(
                name=name(rng),
                status=status,
                org_id=rng.choice(plain_branches).id,
                sex=sex,
                birth_date=birth,
                ethnicity=rng.choice(["汉族"] * 9 + ["回族", "满族"]),
                education=rng.choice(["本科", "大专", "硕士", "高中"]),
                id_number_encrypted=crypto.encrypt(number),
                id_number_hash=crypto.lookup_hash(number),
                id_number_hint=idcard.mask(number),
                probation_at=probation,
                full_at=full,
                floating=rng.random() < 0.03,
            )
        )
        if len(batch) == 5000:
            await Member.bulk_create(batch, batch_size=1000)
            batch = []
    if batch:
        await Member.bulk_create(batch, batch_size=1000)


def import_file(rows: int, rng: random.Random, branch_names: list[str]) -> bytes:
    from openpyxl import Workbook

    from forum import idcard

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "身份证号", "状态", "所在组织", "民族", "申请入党日期"])
    seen: set[str] = set()
    while len(seen) < rows:
        birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        number = idcard.generate(rng, birth, rng.choice("MF"), region="440305")
        if number in seen:
            continue
        seen.add(number)
        sheet.append(
            [name(rng), number, "入党申请人", rng.choice(branch_names), "汉族", "2025-06-01"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def main(args: argparse.Namespace) -> None:
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from forum import db
    from forum.members import importer, queries, stats
    from forum.models import Member
    from forum.policy import RoleGrant, Viewer
    from forum.site import orm_config as tortoise_config

    url = args.database or f"sqlite://{_TMP}/bench.sqlite3"
    await db.migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    rng = random.Random(11)
    try:
        start = time.perf_counter()
        async with in_transaction():
            root, committees, orgs = await build_tree()
        await seed_members(args.members, orgs, rng)
        backend = "PostgreSQL" if "postgres" in url else "SQLite"
        total_orgs = 1 + len(committees) + len(committees) * 10 + len(orgs)
        print(
            f"Seeded {await Member.all().count():,} members in {total_orgs:,} orgs "
            f"in {time.perf_counter() - start:.1f} s ({backend})"
        )
        admin = Viewer(user_id=None, username="bench", roles=(RoleGrant("site_admin", None, None),))
        sub_admin = Viewer(
            username="bench2", roles=(RoleGrant("org_admin", committees[0].id, committees[0].path),)
        )
        print("Directory search (page of 30, two queries):")
        await timed(
            "name contains '建' (whole tree)", lambda: queries.search_members(admin, name="建")
        )
        await timed(
            "name contains '王建' (whole tree)", lambda: queries.search_members(admin, name="王建")
        )
        await timed(
            "org = one committee (subtree), scoped admin",
            lambda: queries.search_members(sub_admin, org=committees[0]),
        )
        await timed(
            "status = probationary, scoped admin",
            lambda: queries.search_members(sub_admin, status="probationary"),
        )
        page = await queries.search_members(admin, name="建")
        await timed(
            "next keyset page",
            lambda: queries.search_members(admin, name="建", after=page.next_cursor),
        )
        print("Subtree statistics (9 dimensions, live grouped queries):")
        whole = await timed("whole tree (100%)", lambda: stats.compute(root), repeat=3)
        part = await timed("one committee (~11%)", lambda: stats.compute(committees[0]), repeat=3)
        print(f"    totals: whole {whole.total:,}, committee {part.total:,}")
        branch_names = [
            o.name
            for o in orgs
            if str(o.kind) == "branch" and o.path.startswith(committees[1].path)
        ]
        content = import_file(args.import_rows, rng, branch_names)
        print(f"Import of {args.import_rows:,} rows (XLSX {len(content) / 1024:.0f} KiB):")
        t0 = time.perf_counter()
        batch = await importer.create_batch(admin, committees[1], "bench.xlsx", content)
        t1 = time.perf_counter()
        imported = await importer.run_batch(admin, batch, only_valid=False)
        t2 = time.perf_counter()
        print(
            f"  read + validate (dry-run report)  {1000 * (t1 - t0):8.0f} ms",
            f"({batch.valid_rows:,} valid)",
        )
        print(
            f"  insert (members + history)        {1000 * (t2 - t1):8.0f} ms",
            f"({imported:,} rows)",
        )
        print(
            f"  total                             {1000 * (t2 - t0):8.0f} ms "
            f"({imported / (t2 - t0):,.0f} rows/s)"
        )
    finally:
        if "postgres" in url:
            await Tortoise._drop_databases()
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--database", default="")
    asyncio.run(main(parser.parse_args()))
