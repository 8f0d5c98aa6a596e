"""Demo data: one committee tree with ~300 members in every status and every role filled.

Idempotent: if the demo committee exists, nothing changes. After the tree, the accounts and
the member records, each part seeds its own data through its `Part.demo`, in `forum.site` order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from tortoise.transactions import in_transaction

from forum import crypto, idcard, site
from forum.accounts.actions import do_create_user
from forum.models import Member, Org, OrgRole, User
from forum.orgs.actions import do_create_org
from forum.security.passwords import hash_password
from forum.seeding import DEMO_PASSWORD, DemoContext
from moderation.hooks import seeding

COMMITTEE_NAME = "示范街道党委"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红梅文斌辉鹏宇浩然欣怡"
    "晨阳子涵雨轩思远佳琪婷晓东海燕春生玉兰凤琴德荣金凤淑珍秀兰桂芳"
)
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族", "壮族", "蒙古族"]
EDUCATION = ["研究生", "大学本科", "大学本科", "大学专科", "高中", "初中"]
STATUS_PLAN = [
    ("full", 30),
    ("probationary", 5),
    ("development_target", 4),
    ("activist", 6),
    ("applicant", 5),
]

# key, label printed, role (or None), where, member status
DEMO_ACCOUNTS: list[tuple[str, str, str | None, str, str | None]] = [
    ("admin", "站点管理员", "site_admin", "site", None),
    ("committee_admin", "党委组织管理员", "org_admin", "committee", "full"),
    ("committee_secretary", "党委书记", "secretary", "committee", "full"),
    ("gb_secretary", "第一党总支书记", "secretary", "general_branch", "full"),
    ("secretary", "第一党支部书记", "secretary", "branch", "full"),
    ("deputy", "第一党支部副书记", "deputy_secretary", "branch", "full"),
    ("organizer", "第一党支部组织委员", "organization_member", "branch", "full"),
    ("publicity", "第一党支部宣传委员", "publicity_member", "branch", "full"),
    ("discipline", "第一党支部纪检委员", "discipline_member", "branch", "full"),
    ("group_leader", "第一党小组组长", "group_leader", "group", "full"),
    ("publisher", "第一党支部发布员", "publisher", "branch", "full"),
    ("moderator", "全站版主", "moderator", "site", "full"),
    ("sibling_secretary", "第二党支部书记", "secretary", "sibling_branch", "full"),
    ("full_member", "正式党员", None, "branch", "full"),
    ("probationary", "预备党员", None, "branch", "probationary"),
    ("target", "发展对象", None, "branch", "development_target"),
    ("activist", "入党积极分子", None, "branch", "activist"),
    ("applicant", "入党申请人", None, "branch", "applicant"),
    ("sanctioned", "受留党察看处分的党员", None, "branch", "full"),
    ("floating", "流动党员（在第一党支部参加活动）", None, "sibling_branch", "full"),
    ("visitor", "群众（无党员身份）", None, "none", None),
]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


async def _member(
    rng: random.Random,
    org: Org,
    group: Org | None,
    status: str,
    *,
    name: str | None = None,
    user: User | None = None,
) -> Member:
    today = dt.date(2026, 11, 1)
    age = rng.randint(19, 75) if status == "full" else rng.randint(19, 40)
    birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    sex = "M" if rng.random() < 0.55 else "F"
    number = idcard.generate(
        rng, birth, sex, region=rng.choice(["110101", "310104", "340524", "440305"])
    )
    applied = birth + dt.timedelta(days=365 * 18 + rng.randint(30, 3000))
    applied = min(applied, today - dt.timedelta(days=60))
    dates: dict[str, dt.date | None] = {"applied_at": applied}
    steps = ["activist_at", "development_target_at", "probation_at", "full_at"]
    reached = {
        "applicant": 0,
        "activist": 1,
        "development_target": 2,
        "probationary": 3,
        "full": 4,
    }[status]
    current = applied
    for step in steps[:reached]:
        gap = {
            "activist_at": 120,
            "development_target_at": 400,
            "probation_at": 200,
            "full_at": 366,
        }[step]
        current = min(current + dt.timedelta(days=gap + rng.randint(0, 200)), today)
        dates[step] = current
    return await Member.create(
        user=user,
        name=name or _name(rng),
        sex=sex,
        birth_date=birth,
        ethnicity=rng.choice(ETHNICITIES),
        native_place=rng.choice(["北京", "上海", "安徽", "广东", "山东", "四川"]),
        id_number_encrypted=crypto.encrypt(number),
        id_number_hash=crypto.lookup_hash(number),
        id_number_hint=idcard.mask(number),
        phone=f"139{rng.randint(10_000_000, 99_999_999)}",
        education=rng.choice(EDUCATION),
        workplace=org.name.replace("党支部", ""),
        status=status,
        org=org,
        group=group,
        archive_location="街道党委组织办",
        **dates,  # type: ignore[arg-type]
    )


async def seed_demo(progress: Callable[[str], object] = print) -> DemoContext | None:
    """Create the demo data once; return None if it already exists."""
    if await Org.filter(name=COMMITTEE_NAME, parent_id__isnull=True).exists():
        return None
    rng = random.Random(20261126)
    password_hash = await hash_password(DEMO_PASSWORD)
    async with in_transaction():
        committee = await do_create_org(None, COMMITTEE_NAME, "committee")
        gbs = [
            await do_create_org(committee, f"第{n}党总支", "general_branch") for n in ("一", "二")
        ]
        branch_parents = [gbs[0], gbs[0], gbs[1], gbs[1], committee, committee]
        names = ["第一党支部", "第二党支部", "第三党支部", "第四党支部", "机关党支部", "社区党支部"]
        branches = [
            await do_create_org(p, n, "branch") for p, n in zip(branch_parents, names, strict=True)
        ]
        groups = [
            await do_create_org(b, f"{b.name.removesuffix('党支部')}第{k}党小组", "group")
            for b in branches
            for k in ("一", "二")
        ]
        ctx = DemoContext(rng, committee, gbs, branches, groups)
        where = {
            "committee": (committee, None),
            "general_branch": (gbs[0], None),
            "branch": (branches[0], groups[0]),
            "group": (branches[0], groups[0]),
            "sibling_branch": (branches[1], groups[2]),
            "site": (branches[0], groups[1]),
        }
        for key, label, role, place, status in DEMO_ACCOUNTS:
            user = await do_create_user(key, label[:32], password_hash)
            ctx.users[key] = user
            if status is not None:
                org, group = where[place]
                member = await _member(rng, org, group, status, user=user)
                # `sanctioned` gets its 留党察看 through the real action (forum.members.demo).
                if key == "floating":
                    member.floating, member.host_org_id = True, branches[0].id
                await member.save()
                ctx.members.append(member)
            if role is not None:
                role_org = None if place == "site" else where[place][0]
                if place == "group":
                    role_org = groups[0]
                await OrgRole.create(user=user, org=role_org, role=role)
        for index, branch in enumerate(branches):
            for status, count in STATUS_PLAN:
                for k in range(count - (6 if index == 0 and status == "full" else 0)):
                    group = groups[index * 2 + k % 2]
                    ctx.members.append(await _member(rng, branch, group, status))
        # One more: a 停止党籍 case (suspended through the real action by forum.members.demo,
        # the last member of the third branch).
        await _member(rng, branches[2], groups[4], "full")
    org_count = 1 + len(gbs) + len(branches) + len(groups)
    progress(f"  已创建组织 {org_count} 个，党员 {await Member.all().count()} 名")
    # Parts seed through their real actions; new-member rules and cooldowns would hold
    # back or refuse a script that posts as brand-new accounts in quick succession.
    with seeding():
        for part in site.install():
            if part.demo is not None:
                await part.demo(ctx)
    return ctx


def account_lines() -> list[str]:
    lines = [f"  演示账号（密码均为 {DEMO_PASSWORD}）："]
    lines += [f"    {key:<20} {label}" for key, label, *_ in DEMO_ACCOUNTS]
    return lines
