"""Password reset by e-mail: a signed, single-use, short-lived link.

The link carries the account id and a fingerprint of the current password hash, signed with
the site secret and stamped (itsdangerous): it expires after `password_reset_minutes`, and it
is single-use because setting the password changes the hash it is bound to (a second use, or
an older link, no longer matches). The request answers the same whether or not the account
exists or has an e-mail address (no account enumeration); at most one message per account
each ten minutes (the outbox key names the window).
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from tortoise.transactions import in_transaction

from forum import audit, sessions
from forum.accounts.actions import check_new_password
from forum.clock import timestamp, utcnow
from forum.errors import ActionError
from forum.models import Member, User
from forum.outbox import rules
from forum.outbox.models import EMAIL
from forum.outbox.queue import Letter, enqueue_address
from forum.policy import Viewer
from forum.security.passwords import hash_password
from forum.settings import get_settings, secret_key

SALT = "accounts.password-reset"
KIND = "account.password_reset"
WINDOW_SECONDS = 600
ANSWER = (
    "如果该账号存在并在党员档案中登记了邮箱，"
    "我们已向其发送重置密码的链接，请在 {minutes} 分钟内使用。"
)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=SALT)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_token(user: User) -> str:
    return str(_serializer().dumps([user.id, _fingerprint(user.password_hash)]))


async def user_of_token(token: str) -> User:
    """The account a genuine, fresh, unused link is for; else an ActionError."""
    invalid = ActionError("重置链接无效或已使用，请重新申请", field="password")
    if len(token) > 300:
        raise invalid
    try:
        value = _serializer().loads(token, max_age=get_settings().password_reset_minutes * 60)
    except SignatureExpired:
        raise ActionError("重置链接已过期，请重新申请", field="password") from None
    except BadSignature:
        raise invalid from None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        raise invalid
    user = await User.filter(id=value[0], is_active=True).first()
    if user is None or not hmac.compare_digest(_fingerprint(user.password_hash), str(value[1])):
        raise invalid
    return user


async def request_reset(who: str) -> str:
    """Queue the link for the account named by username (or its member e-mail); the answer
    is the same sentence in every case."""
    settings = get_settings()
    answer = ANSWER.format(minutes=settings.password_reset_minutes)
    text = who.strip()[:128]
    if not text:
        raise ActionError("请填写用户名或邮箱", field="who")
    user = await User.filter(username__iexact=text, is_active=True).first()
    if user is None and rules.clean_email(text) is not None:
        member = await Member.filter(email__iexact=text, user_id__isnull=False).first()
        if member is not None and member.user_id is not None:
            user = await User.filter(id=member.user_id, is_active=True).first()
    if user is None:
        return answer
    member = await Member.filter(user_id=user.id).first()
    address = rules.clean_email(member.email) if member is not None else None
    if address is None:
        return answer
    window = int(timestamp()) // WINDOW_SECONDS
    link = f"{settings.public_base_url}/password/reset/{make_token(user)}"
    async with in_transaction():
        await enqueue_address(
            EMAIL,
            address,
            kind=KIND,
            key=f"password-reset:u{user.id}:{window}",
            letter=Letter(
                subject="重置密码",
                text=(
                    f"{user.display_name}，您好：\n\n"
                    f"有人（希望是您本人）申请重置账号 {user.username} 的密码。"
                    f"请在 {settings.password_reset_minutes} 分钟内打开下面的链接设置新密码，"
                    f"链接只能使用一次：\n\n{link}\n\n"
                    "如果不是您本人操作，请忽略本邮件，您的密码不会改变。"
                ),
            ),
            user_id=user.id,
            unsubscribe=False,  # an answer to the person's own request, not a subscription
        )
    return answer


async def reset_password(token: str, new: str, confirm: str, ip: str = "") -> User:
    """Set the new password through a link; every session of the account ends."""
    user = await user_of_token(token)
    check_new_password(new, confirm, user.username)
    password_hash = await hash_password(new)
    async with in_transaction():
        # Compare-and-set on the old hash: two uses of one link race, one wins.
        changed = await User.filter(id=user.id, password_hash=user.password_hash).update(
            password_hash=password_hash, password_changed_at=utcnow()
        )
        if not changed:
            raise ActionError("重置链接无效或已使用，请重新申请", field="password")
        revoked = await sessions.revoke_user_sessions(user.id)
        actor = Viewer(user_id=user.id, username=user.username, ip=ip)
        await audit.record(actor, "account.password_reset", "user", user.id)
    await sessions.announce_revoked(user.id, revoked)
    return user
