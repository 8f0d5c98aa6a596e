"""Fixtures of the outbox tests: the loopback SMTP and SMS servers and settings aimed at them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from forum.settings import Settings, get_settings
from tests.outbox_servers import SmsSink, SmtpSink


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def sms() -> Iterator[SmsSink]:
    sink = SmsSink().start()
    yield sink
    sink.stop()


def aimed_at(smtp: SmtpSink, sms: SmsSink, **changes: object) -> Settings:
    return dataclasses.replace(
        get_settings(),
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        sms_provider="http",
        sms_url=sms.url,
        sms_key=sms.key,
        outbox_retry_base_seconds=1,
        outbox_retry_max_seconds=2,
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture
def outbox_settings(smtp: SmtpSink, sms: SmsSink) -> Settings:
    return aimed_at(smtp, sms)


__all__ = ["aimed_at", "outbox_settings", "sms", "smtp"]
