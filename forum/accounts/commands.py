"""`forum createadmin USERNAME`: create a site administrator (prompts for the password)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from forum.accounts.actions import (
    check_new_password,
    clean_display_name,
    clean_username,
    do_create_user,
)
from forum.db import with_db
from forum.errors import ActionError
from forum.models import OrgRole, User
from forum.security.passwords import hash_password


def cmd_createadmin(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("密码：")

    async def work() -> str:
        username = clean_username(args.username)
        check_new_password(password, password, username)
        name = await clean_display_name(args.display_name or username)
        if await User.filter(username__iexact=username).exists():
            raise ActionError("该用户名已被注册")
        user = await do_create_user(username, name, await hash_password(password))
        await OrgRole.create(user=user, org=None, role="site_admin")
        return username

    try:
        username = asyncio.run(with_db(work))
    except ActionError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(f"已创建站点管理员 {username}。")
    return 0


def register(subparsers: Any) -> None:
    admin = subparsers.add_parser("createadmin", help="create a site administrator")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="")
    admin.add_argument("--password", default="", help="prompted for when omitted")
    admin.set_defaults(func=cmd_createadmin)
