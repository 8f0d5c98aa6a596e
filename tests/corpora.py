"""Loaders for the public XSS and naughty-string corpora copied into tests/data/corpora.

See tests/data/corpora/README.md for sources, commits and licences.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

CORPORA = Path(__file__).parent / "data" / "corpora"


@functools.cache
def xss_vectors() -> dict[str, list[str]]:
    """Every XSS vector by corpus name (deduplicated, non-empty)."""
    out: dict[str, list[str]] = {}
    h5sc = json.loads((CORPORA / "h5sc" / "items.json").read_text())
    out["h5sc"] = [item["data_expanded"] or item["data"] for item in h5sc]
    owasp = json.loads((CORPORA / "owasp-xss-filter-evasion" / "vectors.json").read_text())
    out["owasp"] = [v["payload"] for v in owasp["vectors"]]
    dompurify = json.loads((CORPORA / "dompurify-fixtures" / "expect.json").read_text())
    out["dompurify"] = [case["payload"] for case in dompurify["cases"]]
    patt: list[str] = []
    for path in sorted((CORPORA / "payloadsallthethings-xss").glob("*.txt")):
        patt += [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    out["payloadsallthethings"] = patt
    return {name: sorted(set(vectors)) for name, vectors in out.items()}


def all_xss_vectors() -> list[str]:
    return sorted({v for vectors in xss_vectors().values() for v in vectors})


@functools.cache
def naughty_strings() -> list[str]:
    return [s for s in json.loads((CORPORA / "blns" / "blns.json").read_text()) if s]
