"""A script-execution probe for browser XSS tests.

Before any page script runs, `alert`, `confirm`, `prompt` and `print` are replaced by
recorders; console messages, dialogs, page errors raised by injected code and requests to
any origin other than the app's are recorded too. A page is clean when nothing was recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

HOOK = """
(() => {
  const hit = (kind, args) => {
    (window.__xss = window.__xss || []).push(kind + ':' + Array.from(args).map(String).join(','));
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    const fn = function () { hit(name, arguments); };
    try { Object.defineProperty(window, name, { value: fn, writable: false, configurable: false }); }
    catch (e) { window[name] = fn; }
  }
})();
"""


CANARY_HIT = "alert:xss-canary"
CANARY = (
    "() => { window.alert('xss-canary'); const seen = window.__xss || [];"
    " const found = seen.includes('alert:xss-canary');"
    " window.__xss = seen.filter(h => h !== 'alert:xss-canary'); return found; }"
)


@dataclass
class Probe:
    base: str
    hits: list[str] = field(default_factory=list)
    canaries: int = 0  # pages on which the canary script was caught by the hook
    # Requests in flight and the moment the last one started or ended: the probe's own
    # network-idle (Playwright's "networkidle" can be lost for good when requests start and
    # finish before DOMContentLoaded on a long page, microsoft/playwright#42598).
    inflight: set[Any] = field(default_factory=set)
    last_activity: float = 0.0

    def attach(self, page: Any) -> None:
        page.add_init_script(HOOK)
        page.on("dialog", self._on_dialog)
        page.on("console", lambda msg: self._on_console(msg))
        page.on("request", self._on_request_started)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_done)

    def _on_request_started(self, request: Any) -> None:
        self.inflight.add(request)
        self.last_activity = time.monotonic()
        self._on_request(request.url)

    def _on_request_done(self, request: Any) -> None:
        self.inflight.discard(request)
        self.last_activity = time.monotonic()

    def _on_dialog(self, dialog: Any) -> None:
        self.hits.append(f"dialog:{dialog.message}")
        dialog.dismiss()

    def _on_console(self, message: Any) -> None:
        text = message.text
        # CSP reports a blocked inline script as a console error: that is the defence
        # working, not a script running. Anything else on the console is a hit.
        if "Content Security Policy" in text or "Refused to" in text:
            return
        if (
            message.type in {"log", "info", "debug", "warning", "warn", "trace"}
            or "xss" in text.lower()
        ):
            self.hits.append(f"console:{message.type}:{text[:200]}")

    def _on_request(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            self.hits.append(f"request:{url[:200]}")

    def check(self, page: Any, url: str, *, settle: bool = True) -> list[str]:
        """Load `url`, give event handlers a moment to fire, return every hit.

        `settle=False` skips waiting for network idle (list pages checked by the hundred):
        every subresource a vector could request has started by the load event.
        """
        page.goto(url, wait_until="load")
        if settle:
            self.wait_idle(page)
        return self.scan(page)

    def wait_idle(self, page: Any, *, quiet: float = 0.5, timeout: float = 20.0) -> None:
        """Wait until no request has been in flight for `quiet` seconds (websockets aside)."""
        deadline = time.monotonic() + timeout
        while self.inflight or time.monotonic() - self.last_activity < quiet:
            if time.monotonic() > deadline:
                pending = sorted(r.url[:120] for r in self.inflight)
                raise AssertionError(f"network not idle after {timeout}s: {pending}")
            page.wait_for_timeout(50)  # lets Playwright deliver the request events

    def scan(self, page: Any) -> list[str]:
        """Every hit on the page as it is now (after nudging event handlers), then the canary."""
        # Focus and hover everything once: vectors behind onfocus/onmouseover fire now.
        page.evaluate(
            "() => { for (const el of document.querySelectorAll('body *')) {"
            " try { el.dispatchEvent(new Event('mouseover')); el.focus && el.focus({ preventScroll: true }); } catch (e) {} } }"
        )
        # Let tasks queued by those events run (one animation frame, then one task turn).
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        in_page = [h for h in page.evaluate("() => window.__xss || []") if h != CANARY_HIT]
        # The canary: a script that does run on this page is recorded by the same hook.
        if page.evaluate(CANARY):
            self.canaries += 1
        return [*self.hits, *in_page]
