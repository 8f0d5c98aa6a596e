"""The fault test: the delivery worker (a real `forum outbox run` subprocess) is killed with
SIGKILL in the middle of a batch, then the SMTP server is down for 10 s while a fresh worker
keeps trying; afterwards every queued message reached the mailbox exactly once.

"Exactly once" is what the mailbox holds: one message per Message-ID. The wire may carry a
message twice only when the kill lands after the server accepted it and before the worker
recorded it; that re-send carries the same Message-ID (the mailbox keeps one copy) and the
delivery log shows the earlier attempt as `unknown`. The test checks both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

from forum.outbox import rules, worker
from forum.outbox.channels import mail_domain
from forum.outbox.models import SENT, DeliveryAttempt, OutboxMessage
from forum.outbox.queue import Letter, deliver
from forum.settings import get_settings
from tests.conftest import DATABASE_URL
from tests.factories import Tree, make_person
from tests.figures import FIGURES
from tests.outbox_servers import SmtpSink, await_until

COUNT = 40


def start_worker(smtp: SmtpSink, log: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": DATABASE_URL,
        "FORUM_SMTP_HOST": "127.0.0.1",
        "FORUM_SMTP_PORT": str(smtp.port),
        "FORUM_SMTP_TIMEOUT_SECONDS": "5",
        "FORUM_OUTBOX_BATCH": "10",
        "FORUM_OUTBOX_LEASE_SECONDS": "5",
        "FORUM_OUTBOX_RETRY_BASE_SECONDS": "1",
        "FORUM_OUTBOX_RETRY_MAX_SECONDS": "2",
        "FORUM_OUTBOX_MAX_ATTEMPTS": "50",
        "FORUM_OUTBOX_POLL_SECONDS": "1",
    }
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "forum.cli", "outbox", "run"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_a_killed_worker_and_a_dead_smtp_server_lose_and_double_nothing(
    tree: Tree,
) -> None:
    people = [
        await make_person(tree.branch_a, email=f"f{n}@example.org", phone="") for n in range(COUNT)
    ]
    await deliver(
        [p.id for p in people],
        "test.fault",
        "fault:1",
        Letter("支部通知", "请于周五前提交学习心得。"),
        defaults=frozenset({"email"}),
    )
    keys = [m.key for m in await OutboxMessage.all()]
    assert len(keys) == COUNT
    expected = {rules.message_id(k, mail_domain(get_settings())) for k in keys}
    log = os.path.join(tempfile.mkdtemp(prefix="outbox-worker-"), "worker.log")

    smtp = SmtpSink(delay=0.05).start()
    first = start_worker(smtp, log)
    try:
        # Mid-batch: some of the first batch of 10 went, the rest is claimed and in flight.
        await await_until(lambda: sum(smtp.arrivals.values()) >= 4, 60, "first deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    before_outage = sum(smtp.arrivals.values())
    assert before_outage < COUNT
    smtp.stop()
    down_since = time.monotonic()

    second = start_worker(smtp, log)
    try:

        async def retried() -> bool:
            return await DeliveryAttempt.filter(outcome="retry").exists()

        # The new worker tries and fails while the server is down (connection refused).
        await await_until(retried, 60, "a failed attempt during the outage")
        # The outage lasts 10 s (a fault's duration, not a synchronization).
        await await_until(lambda: time.monotonic() - down_since >= 10, 30, "ten seconds")
        retries_during_outage = await DeliveryAttempt.filter(outcome="retry").count()
        smtp.start()

        async def all_sent() -> bool:
            return await OutboxMessage.filter(state=SENT).count() == COUNT

        await await_until(all_sent, 120, "every message sent")
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
        smtp.stop()

    # Nothing lost, nothing doubled in the mailbox.
    assert set(smtp.unique) == expected
    doubled = {mid for mid, n in smtp.arrivals.items() if n > 1}
    assert all(n <= 2 for n in smtp.arrivals.values())
    # A message on the wire twice is one whose first attempt's outcome is unknown (killed).
    unknown = {
        rules.message_id(m.key, mail_domain(get_settings()))
        for m in await OutboxMessage.filter(log__outcome="unknown").distinct()
    }
    assert doubled <= unknown
    assert await OutboxMessage.filter(state=SENT).count() == COUNT
    # The worker never writes an address to its log.
    with open(log, encoding="utf-8") as handle:
        text = handle.read()
    assert "@example.org" not in text
    assert retries_during_outage >= 1
    FIGURES.append(
        f"outbox fault test: {COUNT} messages, {before_outage} before the kill, "
        f"{len(unknown)} attempts with unknown outcome, {len(doubled)} sent twice on the wire "
        f"(same Message-ID, one copy in the mailbox), {retries_during_outage} retries in the "
        f"10 s outage"
    )
    assert worker.UNKNOWN
