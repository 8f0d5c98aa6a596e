"""Account writes: register, log in/out, change password and display name."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from forum import identity, sessions
from forum.accounts import throttle
from forum.clock import utcnow
from forum.errors import ActionError, Forbidden, RateLimited
from forum.models import AuthSession, User
from forum.policy import Viewer
from forum.security.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from forum.services import get_services
from forum.settings import get_settings

USERNAME_RE = re.compile(r"^[\w\u3400-\u9fff.\-]{2,32}$")
RESERVED_USERNAMES = frozenset({"admin", "root", "system", "api", "static", "null", "anonymous"})


def clean_username(raw: str) -> str:
    username = unicodedata.normalize("NFKC", raw.strip())
    if not username:
        raise ActionError("请填写用户名", field="username")
    if len(username) > 32:
        raise ActionError("用户名不能超过 32 个字符", field="username")
    if not USERNAME_RE.match(username):
        raise ActionError(
            "用户名需为 2-32 个字符，只能包含中文、字母、数字、下划线、点或连字符", field="username"
        )
    if username.lower() in RESERVED_USERNAMES:
        raise ActionError("该用户名为系统保留，请换一个", field="username")
    return username


async def clean_display_name(raw: str) -> str:
    name = unicodedata.normalize("NFKC", raw).strip()
    if not name:
        raise ActionError("请填写显示名称", field="display_name")
    if len(name) > 32:
        raise ActionError("显示名称不能超过 32 个字符", field="display_name")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in name):
        raise ActionError("显示名称包含不可见或控制字符", field="display_name")
    return await identity.check_name(name, "display_name")


def check_new_password(password: str, confirm: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ActionError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ActionError(f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符", field="password")
    if password != confirm:
        raise ActionError("两次输入的密码不一致", field="password_confirm")
    if password.lower() == username.lower():
        raise ActionError("密码不能与用户名相同", field="password")


async def register_user(username: str, display_name: str, password: str, confirm: str) -> User:
    username = clean_username(username)
    display_name = await clean_display_name(display_name)
    check_new_password(password, confirm, username)
    if await User.filter(username__iexact=username).exists():
        raise ActionError("该用户名已被注册", field="username")
    password_hash = await hash_password(password)
    user = await do_create_user(username, display_name, password_hash)
    await identity.name_saved(user.id, display_name)
    return user


async def do_create_user(username: str, display_name: str, password_hash: str) -> User:
    """Unchecked insert used by registration, `forum createadmin` and demo data."""
    return await User.create(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )


@dataclass(frozen=True)
class LoginResult:
    user: User
    device_cookie: str  # the known-device cookie to set (see forum.accounts.throttle)


async def authenticate(
    username: str, password: str, ip: str, device_cookie: str | None = None
) -> LoginResult:
    """Verify credentials, throttled per account (growing waits) and per IP (a high hard
    limit); a browser that logged in to this account before is exempt (`throttle`)."""
    rule = throttle.LoginRule.from_settings(get_settings())
    counter = get_services().counter
    user = await User.filter(username__iexact=username.strip()).first() if username else None
    device_id = throttle.device_for(device_cookie, user.id) if user else None
    state = await throttle.login_state(counter, rule, username, ip, device_id)
    refused = throttle.refusal(state, rule)
    if refused is not None:
        scope, seconds = refused
        raise RateLimited(throttle.refusal_message(scope, seconds), retry_after=seconds)
    valid = await verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not valid or not user.is_active:
        await throttle.record_failure(counter, rule, username, ip, device_id)
        raise ActionError("用户名或密码错误")
    await identity.guard_login(user)
    await throttle.record_success(counter, rule, username, device_id)
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    return LoginResult(user, throttle.remember_device(device_cookie, user.id))


async def start_session(user: User, *, ip: str, user_agent: str) -> AuthSession:
    now = utcnow()
    async with in_transaction():
        session = await AuthSession.create(
            id=secrets.token_urlsafe(32),
            user=user,
            expires_at=now + dt.timedelta(seconds=get_settings().session_max_age),
            ip=ip[:64],
            user_agent=user_agent[:255],
        )
        await User.filter(id=user.id).update(last_login_at=now)
    return session


async def end_session(viewer: Viewer) -> None:
    """Log out: revoke the server-side session and close its live connections."""
    if viewer.session_id is None or viewer.user_id is None:
        return
    await AuthSession.filter(id=viewer.session_id, revoked_at__isnull=True).update(
        revoked_at=utcnow()
    )
    await sessions.announce_revoked(viewer.user_id, [viewer.session_id])


async def change_password(viewer: Viewer, current: str, new: str, confirm: str) -> None:
    if viewer.user_id is None:
        raise Forbidden("请先登录")
    user = await User.get(id=viewer.user_id)
    if not await verify_password(user.password_hash, current):
        raise ActionError("当前密码不正确", field="current_password")
    check_new_password(new, confirm, user.username)
    password_hash = await hash_password(new)
    async with in_transaction():
        await User.filter(id=user.id).update(
            password_hash=password_hash, password_changed_at=utcnow()
        )
        revoked = await sessions.revoke_user_sessions(user.id, keep=viewer.session_id)
    await sessions.announce_revoked(user.id, revoked)


async def update_profile(viewer: Viewer, display_name: str) -> None:
    if viewer.user_id is None:
        raise Forbidden("请先登录")
    name = await clean_display_name(display_name)
    await User.filter(id=viewer.user_id).update(display_name=name)
    await identity.name_saved(viewer.user_id, name)
