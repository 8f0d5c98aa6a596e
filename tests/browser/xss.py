"""A script-execution probe for browser XSS tests.

Before any page script runs, `alert`, `confirm`, `prompt` and `print` are replaced by
recorders; console messages, dialogs, page errors raised by injected code and requests to
any origin other than the app's are recorded too. A page is clean when nothing was recorded.
"""

from __future__ import annotations

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


@dataclass
class Probe:
    base: str
    hits: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.add_init_script(HOOK)
        page.on("dialog", self._on_dialog)
        page.on("console", lambda msg: self._on_console(msg))
        page.on("request", lambda req: self._on_request(req.url))

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

    def check(self, page: Any, url: str) -> list[str]:
        """Load `url`, give event handlers a moment to fire, return every hit."""
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        # Focus and hover everything once: vectors behind onfocus/onmouseover fire now.
        page.evaluate(
            "() => { for (const el of document.querySelectorAll('body *')) {"
            " try { el.dispatchEvent(new Event('mouseover')); el.focus && el.focus(); } catch (e) {} } }"
        )
        # Let tasks queued by those events run (one animation frame, then one task turn).
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        in_page = page.evaluate("() => window.__xss || []")
        return [*self.hits, *in_page]
