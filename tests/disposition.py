"""An RFC 6266 / RFC 5987 `Content-Disposition` reader for the download tests: written
from the RFCs, not from the code under test, so a wrong header fails."""

from __future__ import annotations

import re
from urllib.parse import unquote

# RFC 5987 ext-value: charset "'" [ language ] "'" value-chars (attr-char or pct-encoded)
_EXT_VALUE = re.compile(
    r"(?i)^(UTF-8|ISO-8859-1)'[A-Za-z0-9-]*'((?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})+)$"
)
_PARAM = re.compile(r'\s*;\s*([A-Za-z0-9!#$&+\-.^_`|~*]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)')


def parse(header: str) -> tuple[str, dict[str, str]]:
    """The disposition type and its parameters; `filename*` decoded to text."""
    kind, _, rest = header.partition(";")
    params: dict[str, str] = {}
    position = 0
    rest = ";" + rest
    while position < len(rest):
        match = _PARAM.match(rest, position)
        assert match is not None, f"malformed parameters: {rest[position:]!r}"
        name, value = match.group(1).lower(), match.group(2)
        assert name not in params, f"repeated parameter {name}"
        if name.endswith("*"):
            ext = _EXT_VALUE.match(value)
            assert ext is not None, f"not an RFC 5987 ext-value: {value!r}"
            value = unquote(ext.group(2), encoding=ext.group(1).lower(), errors="strict")
        elif value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params[name] = value
        position = match.end()
    return kind.strip().lower(), params
