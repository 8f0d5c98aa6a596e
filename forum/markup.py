"""Markdown to sanitized HTML: the only module that knows Markdown or the sanitizer.

Rendered once, at write time; models store the raw text, the HTML and `VERSION`, and
`forum rebake` re-renders rows whose version is older. markdown-it-py parses CommonMark
(the spec's examples: `tests/unit/test_markup_commonmark.py`) with the GitHub pieces people
type: tables, ~~strikethrough~~, bare URLs as links, task lists, and a single newline as a
line break. nh3 (the maintained Rust ammonia binding) sanitizes everything it produces,
raw HTML in the source included; bleach, named in the original plan, is end of life.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import quote, urlsplit

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

# 2: relative images only from /attachments/ and /static/, no stray <li>
# 3: markdown-it-py (CommonMark + tables, strikethrough, bare URLs, task lists, single
#    newline = <br>), @mentions as links to /u/<username>
VERSION = 3

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
        "input",
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
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "span": {"class"},
    "ol": {"start"},
    # Task lists: the classes below only; an <input> is always a disabled checkbox
    # (SET_ATTRIBUTES), so it cannot take text or be sent with a form of the page.
    "ul": {"class"},
    "li": {"class"},
    "input": {"type", "checked", "disabled", "class"},
}
SET_ATTRIBUTES: dict[str, dict[str, str]] = {"input": {"type": "checkbox", "disabled": "disabled"}}
# The classes that survive, per tag: syntax highlighting, mentions and task lists.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "a": frozenset({"mention"}),
    "span": frozenset({"mention"}),
    "ul": frozenset({"contains-task-list"}),
    "li": frozenset({"task-list-item"}),
    "input": frozenset({"task-list-item-checkbox"}),
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
    if attr == "class":
        # Only syntax-highlighting classes on code, and the few of ALLOWED_CLASSES.
        allowed = ALLOWED_CLASSES.get(tag, frozenset())
        classes = [
            c
            for c in value.split()
            if c in allowed or (tag == "code" and c.startswith("language-"))
        ]
        return " ".join(classes) or None
    if tag == "input" and attr == "checked":
        return "checked"  # type and disabled are set whatever the source said
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
        set_tag_attribute_values=SET_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


# ---- the parser -----------------------------------------------------------------------------

# A bare URL ends where Chinese text or full-width punctuation begins ("见https://a.cn了解"):
# people type no space there, and a URL with such characters in its path is pasted encoded.
_URL_STOP_RE = re.compile(
    r"[\u2018-\u201f\u2026\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_WWW_RE = re.compile(r"www\.", re.IGNORECASE)
_MAYBE_LINK_RE = re.compile(r"//|[\w.+\-]@|www\.", re.IGNORECASE)
_HTML_LINK_OPEN_RE = re.compile(r"<a[\s>]", re.IGNORECASE)
_HTML_LINK_CLOSE_RE = re.compile(r"</a\s*>", re.IGNORECASE)
_ALIGN_RE = re.compile(r"text-align:(left|center|right)")


class _BareLinks:
    """linkify-it, as markdown-it-py calls it, with the GFM autolink rules for Chinese text.

    A bare link has a scheme (`https://...`), starts with `www.` or is an e-mail address;
    other host names (`README.md`, `a.py`) stay text. linkify-it sees Chinese characters as
    spaces (one for one, so positions hold): a link starts and stops next to Chinese text.
    """

    def __init__(self) -> None:
        self._inner = LinkifyIt()

    def pretest(self, text: str) -> bool:
        # What every link we keep has (`//`, `www.` or an e-mail's `x@`; an @mention has
        # no such `@`): cheap, and most text has none, so linkify-it's costly tests do not run.
        return _MAYBE_LINK_RE.search(text) is not None

    def test(self, text: str) -> bool:
        return self.pretest(text) and bool(self._inner.test(_URL_STOP_RE.sub(" ", text)))

    def match(self, text: str) -> list[Any] | None:
        found = self._inner.match(_URL_STOP_RE.sub(" ", text)) or ()
        return [m for m in found if _gfm_link(m)] or None

    def match_at_start(self, text: str) -> Any:
        return self._inner.match_at_start(_URL_STOP_RE.sub(" ", text))


def _gfm_link(match: Any) -> bool:
    return match.schema != "" or _WWW_RE.match(match.raw) is not None


def _mention_tokens(token: Token) -> list[Token]:
    """A text token with `@username` in it, split into text and mention links."""
    out: list[Token] = []
    text, last = token.content, 0
    for found in _MENTION_RE.finditer(text):
        name = found.group(1).rstrip(".-")
        if len(name) < 2:  # not a username (2-32 characters, as accounts require)
            continue
        start, end = found.start(), found.start(1) + len(name)
        if start > last:
            out.append(Token("text", "", 0, content=text[last:start]))
        link = Token("link_open", "a", 1, markup="mention")
        link.attrs = {"href": "/u/" + quote(name, safe=""), "class": "mention"}
        out += [link, Token("text", "", 0, content="@" + name), Token("link_close", "a", -1)]
        last = end
    if not out:
        return [token]
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


def _inline(children: list[Token]) -> list[Token]:
    """Mentions in text outside links (Markdown, bare or raw HTML ones) and code."""
    out: list[Token] = []
    in_link = 0
    for token in children:
        if token.type == "link_open":
            in_link += 1
        elif token.type == "link_close":
            in_link -= 1
        elif token.type == "html_inline":
            if _HTML_LINK_OPEN_RE.match(token.content):
                in_link += 1
            elif _HTML_LINK_CLOSE_RE.match(token.content):
                in_link = max(0, in_link - 1)
        elif token.type == "text" and not in_link and "@" in token.content:
            out += _mention_tokens(token)
            continue
        out.append(token)
    return out


def _grassroots_rule(state: StateCore) -> None:
    """After markdown-it's own core rules: mentions, and table alignment as `align` (the
    sanitizer keeps no `style`)."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _inline(token.children)
        elif token.type in {"th_open", "td_open"}:
            align = _ALIGN_RE.fullmatch(str(token.attrs.pop("style", "")))
            if align:
                token.attrs["align"] = align.group(1)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"breaks": True, "linkify": True})
    md.linkify = _BareLinks()
    md.enable(["table", "strikethrough", "linkify"])
    md.use(tasklists_plugin)  # checkboxes rendered disabled
    md.core.ruler.push("grassroots", _grassroots_rule)
    return md


_MARKDOWN = _parser()


def render(raw: str) -> str:
    """Markdown source to safe HTML. Pure and deterministic for a given VERSION.

    Without the newline markdown-it ends each block with: stored HTML ends at its last tag."""
    return sanitize(_MARKDOWN.render(raw)).rstrip("\n")


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
