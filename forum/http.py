"""Small helpers shared by HTML, JSON and websocket handlers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from forum.errors import ActionError, NotFound
from forum.policy import ANONYMOUS, Viewer
from forum.security.bodylimit import BodyTooLarge
from forum.security.middleware import MAX_FORM_FIELDS, MAX_FORM_FILES
from forum.validation import clean_text

# No request body of this API nests deeper than a few levels; a deeper one is refused before
# any code walks it (recursion over ~1,000 levels raised RecursionError: a 500).
MAX_JSON_DEPTH = 32

R = TypeVar("R", bound=Response)


# Personal data (member records, the own profile, audit exports) must not stay in a browser
# or proxy cache after the reader signs out or loses access.
NO_STORE = {"Cache-Control": "no-store"}


def no_store(response: R) -> R:
    response.headers["Cache-Control"] = "no-store"
    return response


def viewer_of(conn: HTTPConnection) -> Viewer:
    viewer = conn.scope.get("state", {}).get("viewer")
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS


def client_ip(conn: HTTPConnection) -> str:
    # Behind the documented proxy, uvicorn's --proxy-headers sets client from X-Forwarded-For.
    return conn.client.host if conn.client else "unknown"


def wants_json(conn: HTTPConnection) -> bool:
    return conn.url.path.startswith("/api/")


_UNSTORABLE_CHARS = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> bool:
    """False when a string anywhere in `value` holds NUL or a lone surrogate: no text column
    can store them (PostgreSQL refuses NUL, UTF-8 has no surrogates), so they are refused
    at the door with a 400 instead of failing in the database with a 500."""
    if isinstance(value, str):
        return _UNSTORABLE_CHARS.search(value) is None
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


def json_depth(value: Any) -> int:
    """How deep lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in item)
    return deepest


_URL_CONTROL = re.compile("[\x00-\x20\x7f-\x9f]")  # controls and the ASCII space


def is_local_path(value: object) -> bool:
    """True for a path on this site ("/t/5?x=1#2") that every browser also reads as one; the
    one check for redirect targets (`next=`) and site-internal links.

    Browsers follow WHATWG URL parsing, not urlsplit: they read "\\" as "/" (so "/\\evil" is
    "//evil", another host), drop tabs and newlines anywhere ("/\t/evil") and trim leading
    controls and spaces. So: a single leading "/", no backslash, no control character or
    space, nothing storable() refuses, and no scheme or host once parsed."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or _URL_CONTROL.search(value) is not None or not storable(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


UNSTORABLE = "内容包含无法保存的字符（如 \\0 或不成对的代理字符），请删除后重试"


async def read_form(request: Request) -> FormData:
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FILES)
    except BodyTooLarge:
        raise
    except Exception as exc:  # malformed multipart and limits all surface as one clear 400
        raise ActionError("表单格式有误，请刷新页面后重试") from exc
    if not all(storable(v) for _, v in form.multi_items() if isinstance(v, str)):
        raise ActionError(UNSTORABLE)
    return form


async def read_json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError as exc:
        raise ActionError("请求体不是有效的 JSON") from exc
    except RecursionError as exc:
        raise ActionError(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）") from exc
    if not isinstance(data, dict):
        raise ActionError("请求体必须是 JSON 对象")
    if json_depth(data) > MAX_JSON_DEPTH:
        raise ActionError(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）")
    if not storable(data):
        raise ActionError(UNSTORABLE)
    return data


def text_field(
    data: FormData | dict[str, Any],
    name: str,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    min_length: int = 0,
) -> str:
    """A trimmed single-line string with a clear Chinese error naming the field."""
    return clean_text(
        data.get(name),
        name,
        label,
        max_length=max_length,
        required=required,
        min_length=min_length,
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines(text: str) -> list[str]:
    """The lines of a textarea or an uploaded text: split on CR/LF only. `str.splitlines()`
    also splits on \x1c-\x1e, \x85 and U+2028, which would cut one typed line in several."""
    return _LINE_BREAK.split(text) if text else []


_WHOLE_NUMBER = re.compile(r"0|-?[1-9][0-9]{0,39}")  # as written, no sign or zero padding
INT32_MAX = 2**31 - 1  # integer columns are 32-bit: a larger number cannot even be bound


def whole_number(raw: object, name: str, label: str, *, minimum: int, maximum: int) -> int:
    """A whole number a person typed, within [minimum, maximum], with a clear Chinese error
    naming the field. Only the plain form is taken ("12", "-3"): "²" or "١٢" pass
    str.isdigit() but not int() (that was a 500), and "08", "+5" or "-0" would be stored
    as something other than what was typed."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ActionError(f"{label}须为整数", field=name)
    number = int(text)
    if not minimum <= number <= maximum:
        raise ActionError(f"{label}须在 {minimum} 到 {maximum} 之间", field=name)
    return number


def int_field(
    data: FormData | dict[str, Any],
    name: str,
    label: str,
    *,
    minimum: int,
    maximum: int,
    default: int | None = None,
) -> int:
    """`whole_number` of a form field; blank means `default` when there is one."""
    raw = data.get(name)
    if default is not None and not (raw.strip() if isinstance(raw, str) else raw):
        return default
    return whole_number(raw, name, label, minimum=minimum, maximum=maximum)


def optional_int_field(
    data: FormData | dict[str, Any], name: str, label: str, *, minimum: int, maximum: int
) -> int | None:
    """`whole_number` of a form field, or None when it is blank."""
    raw = data.get(name)
    if not (raw.strip() if isinstance(raw, str) else raw):
        return None
    return whole_number(raw, name, label, minimum=minimum, maximum=maximum)


def int_param(value: Any, label: str = "编号") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if number <= 0 or number > 2**31 - 1:
        raise NotFound()
    return number


# Characters Windows refuses in file names, and control characters: replaced in both names.
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]')
_NON_ASCII_RUN = re.compile(r"[^\x20-\x7e]+")


def dated_filename(title: str, ext: str, day: dt.date) -> str:
    """`第一党支部党员名册-2026-12-02.xlsx`: the extension last, so a double-click opens it."""
    return f"{title}-{day.isoformat()}.{ext}"


def attachment_disposition(filename: str, fallback: str = "") -> str:
    """A `Content-Disposition` for a download named `filename` (RFC 6266): `filename*` holds
    the UTF-8 name percent-encoded per RFC 5987, `filename` an ASCII fallback for clients
    without RFC 5987 (`fallback`, or `filename` without its non-ASCII characters)."""
    name = _UNSAFE_FILENAME.sub("_", filename).strip() or "download"
    stem, dot, ext = (fallback or name).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = _NON_ASCII_RUN.sub("", _UNSAFE_FILENAME.sub("_", stem)).strip(" -_.") or "download"
    ext = _NON_ASCII_RUN.sub("", _UNSAFE_FILENAME.sub("_", ext))
    ascii_name = f"{stem}.{ext}" if ext else stem
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
