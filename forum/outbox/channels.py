"""The channels: e-mail over SMTP (aiosmtplib) and SMS through a provider interface.

A channel's `send(message)` returns the downstream id (the Message-ID, the provider's id) or
raises `Retry` (try again later: the server is down, a 4xx) or `Permanent` (give up: a 5xx,
an address the server refuses). Neither ever logs an address or a text.
"""

from __future__ import annotations

import logging
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from typing import Protocol

import aiosmtplib
import httpx

from forum.outbox import rules
from forum.outbox.models import OutboxMessage
from forum.settings import Settings

logger = logging.getLogger("forum.outbox")


class Retry(Exception):
    """A transient failure: the message is tried again after the backoff."""


class Permanent(Exception):
    """The message cannot be delivered: it is marked failed."""


class Channel(Protocol):
    async def send(self, message: OutboxMessage) -> str: ...


def mail_domain(settings: Settings) -> str:
    _, address = parseaddr(settings.mail_from)
    return address.rpartition("@")[2] or "localhost"


def build_email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The MIME message: plain text, an optional text/calendar invitation, the unsubscribe
    headers of RFC 8058, and a Message-ID derived from the outbox key."""
    email = EmailMessage()
    name, sender = parseaddr(settings.mail_from)
    email["From"] = formataddr((name, sender)) if name else sender
    email["To"] = message.address
    email["Subject"] = message.subject or "基层党建交流平台"
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = rules.message_id(message.key, mail_domain(settings))
    email["X-Outbox-Key"] = rules.request_id(message.key)
    text = message.body
    if message.url:
        text += f"\n\n查看详情：{message.url}"
    if message.unsubscribe_url:
        text += f"\n\n不想再收到此类邮件？退订：{message.unsubscribe_url}"
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(text)
    if message.ics:
        email.add_attachment(
            message.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": "REQUEST"},
        )
    return email


class SmtpChannel:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutboxMessage) -> str:
        settings = self.settings
        if not settings.smtp_host:
            raise Retry("e-mail is not configured (FORUM_SMTP_HOST)")
        email = build_email(message, settings)
        context = ssl.create_default_context() if settings.smtp_tls != "none" else None
        try:
            await aiosmtplib.send(
                email,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_tls == "tls",
                start_tls=settings.smtp_tls == "starttls",
                tls_context=context,
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            if all(500 <= c < 600 for c in codes):
                raise Permanent(f"recipient refused ({codes})") from exc
            raise Retry(f"recipient deferred ({codes})") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise Permanent(f"SMTP {exc.code}") from exc
            raise Retry(f"SMTP {exc.code}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise Retry(type(exc).__name__) from exc
        return str(email["Message-ID"])


class LogSms:
    """Development: records that a message went (its outbox id), never the number or text."""

    async def send(self, message: OutboxMessage) -> str:
        logger.info("sms (log provider) outbox message %s sent", message.id)
        return f"log-{rules.request_id(message.key)}"


class HttpSms:
    """An HTTP provider: POST JSON {to, text, id} with a bearer key. `id` is the same on
    every attempt of one message, so a provider that de-duplicates by it sends once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: OutboxMessage) -> str:
        settings = self.settings
        if not settings.sms_url:
            raise Retry("SMS is not configured (FORUM_SMS_URL)")
        text = settings.sms_template.replace("{text}", message.body)
        payload = {"to": message.address, "text": text, "id": rules.request_id(message.key)}
        headers = {"Authorization": f"Bearer {settings.sms_key}"} if settings.sms_key else {}
        try:
            async with httpx.AsyncClient(timeout=settings.smtp_timeout_seconds) as client:
                response = await client.post(settings.sms_url, json=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise Retry(type(exc).__name__) from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise Retry(f"provider HTTP {response.status_code}")
        if response.status_code >= 400:
            raise Permanent(f"provider HTTP {response.status_code}")
        return str(payload["id"])


def channels_for(settings: Settings) -> dict[str, Channel]:
    sms: Channel = HttpSms(settings) if settings.sms_provider == "http" else LogSms()
    return {"email": SmtpChannel(settings), "sms": sms}
