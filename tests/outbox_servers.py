"""Real servers on loopback for the outbox tests: an SMTP server (aiosmtpd) and an HTTP server
standing in for the SMS provider. Both record what they received and, like a mailbox store
and a provider with request ids, keep one copy per Message-ID / request id (`unique`) while
counting every arrival (`arrivals`), so a test can tell a duplicate apart from a loss."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    port: int = field(default_factory=free_port)
    delay: float = 0.0  # seconds per message: a slow server, so a kill lands mid-batch
    arrivals: Counter[str] = field(default_factory=Counter)
    unique: dict[str, EmailMessage] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)  # simulated latency, not synchronization
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        mid = str(parsed["Message-ID"])
        with self.lock:
            self.arrivals[mid] += 1
            self.unique.setdefault(mid, parsed)
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.unique.values())

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if str(m["To"]) == address]


@dataclass
class SmsSink:
    port: int = field(default_factory=free_port)
    key: str = "sms-test-key"
    arrivals: Counter[str] = field(default_factory=Counter)
    unique: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused_auth: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> SmsSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if self.headers.get("Authorization") != f"Bearer {sink.key}":
                    with sink.lock:
                        sink.refused_auth += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                with sink.lock:
                    sink.arrivals[body["id"]] += 1
                    sink.unique.setdefault(body["id"], body)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def messages(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.unique.values())


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll a condition (no fixed sleep as synchronization); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.05)


async def await_until(condition: Callable[[], Any], timeout: float = 30.0, what: str = "") -> None:
    """The same for async tests: polls (condition may be a coroutine function)."""
    import asyncio
    import inspect

    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.05)
