"""Markdown to sanitized HTML: the only module that knows Markdown or the sanitizer.

Rendered once, at write time; models store the raw text, the HTML and `VERSION`, and
`forum rebake` re-renders rows whose version is older. nh3 (the maintained Rust ammonia
binding) sanitizes; bleach, named in the original plan, is end of life.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

import markdown
import nh3

VERSION = 2  # 2: relative images only from /attachments/ and /static/, no stray <li>

EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "span",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),  # no generic attributes (ammonia's default would allow lang and title)
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# Images only from our own server (relative URLs under these paths) or these hosts.
IMAGE_HOSTS: frozenset[str] = frozenset()
# Own-origin image sources: uploaded attachments (policy-checked when served) and static files.
# Anything else relative (`/logout`, `x.png`, `/\\evil.example`) is dropped.
_LOCAL_IMAGE_RE = re.compile(r"/(?:attachments/[0-9]{1,10}/|static/)[^\\\s?#]+")

_MENTION_RE = re.compile(r"(?<![\w@])@([\w\u3400-\u9fff.\-]{2,32})")


_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _has_disallowed_scheme(value: str) -> bool:
    """Judge the scheme after removing every space, separator and control character."""
    squeezed = "".join(ch for ch in value if unicodedata.category(ch)[0] not in {"Z", "C"})
    match = _SCHEME_RE.match(squeezed)
    return match is not None and match.group(1).lower() not in URL_SCHEMES


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr in {"href", "src"} and _has_disallowed_scheme(value):
        return None
    if tag == "img" and attr == "src":
        parts = urlsplit(value)
        if parts.scheme in {"http", "https"} and parts.hostname not in IMAGE_HOSTS:
            return None
        if parts.scheme not in {"", "http", "https"} or value.startswith("//"):
            return None
        if not parts.scheme and (
            not _LOCAL_IMAGE_RE.fullmatch(value) or ".." in value or "%2e" in value.lower()
        ):
            return None
    if tag in {"code", "span"} and attr == "class":
        # Only syntax-highlighting and mention classes survive.
        classes = [c for c in value.split() if c.startswith("language-") or c == "mention"]
        return " ".join(classes) or None
    return value


_LIST_TAG_RE = re.compile(r"<(/?)(ul|ol|li)(?=[\s>/])[^>]*>")


def _drop_orphan_items(html: str) -> str:
    """Remove `<li>` tags that are not inside a `<ul>`/`<ol>` (their text stays).

    A stray `<li>` makes the HTML parser close the page's own enclosing `<li>` (the list
    item a post, feedback or message is shown in), so user text could break out of its
    container and push the page's own controls around. nh3's output is balanced, so a
    stack of the list tags seen so far is enough.
    """
    if "<li" not in html:
        return html
    out: list[str] = []
    stack: list[str] = []  # "list", "li" (kept) or "orphan" (dropped)
    last = 0
    for match in _LIST_TAG_RE.finditer(html):
        closing, name = match.group(1) == "/", match.group(2)
        drop = False
        if name in {"ul", "ol"}:
            if closing:
                del stack[-1:]  # nh3's output is balanced: the list this closes
            else:
                stack.append("list")
        elif closing:
            drop = not stack or stack.pop() == "orphan"
        else:
            orphan = not stack or stack[-1] != "list"
            # An item directly inside another item (no list between) is an orphan too.
            stack.append("orphan" if orphan else "li")
            drop = orphan
        out.append(html[last : match.start()])
        if not drop:
            out.append(match.group(0))
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def sanitize(html: str) -> str:
    """Allow-list sanitizer for HTML that came from Markdown (or anywhere else)."""
    return _drop_orphan_items(_clean(html))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def render(raw: str) -> str:
    """Markdown source to safe HTML. Pure and deterministic for a given VERSION."""
    html = markdown.markdown(raw, extensions=EXTENSIONS, output_format="html")
    return sanitize(html)


def mentions(raw: str) -> list[str]:
    """Usernames @mentioned in a Markdown source, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _MENTION_RE.finditer(raw):
        seen.setdefault(match.group(1).rstrip(".-"), None)
    return list(seen)


def excerpt(html_or_text: str, length: int = 140) -> str:
    """Plain-text excerpt (tags stripped, entities decoded) for lists, notifications and
    feeds: real text, so the template escapes it exactly once ("a < b", not "a &lt; b")."""
    text = html.unescape(nh3.clean(html_or_text, tags=set()))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= length else text[: length - 1] + "…"
