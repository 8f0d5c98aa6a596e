"""The sanitizer holds against the public XSS corpora, structurally (no DB, no browser).

Every vector goes through `markup.render` (Markdown, then nh3) as a post body would; the
output is parsed and every tag, attribute and URL must be on the allow-lists.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from forum import markup
from tests.corpora import all_xss_vectors, xss_vectors

VECTORS = all_xss_vectors()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in markup.ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            allowed = markup.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
            assert name in allowed, (tag, name, html)
            if name in {"href", "src"} and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in {"", "http", "https", "mailto"}, (value, html)
            if tag == "a" and name == "rel":
                assert value == markup.LINK_REL


def test_corpora_are_loaded() -> None:
    counts = {name: len(v) for name, v in xss_vectors().items()}
    assert counts["h5sc"] >= 100 and counts["owasp"] >= 100
    assert counts["dompurify"] >= 200 and counts["payloadsallthethings"] >= 1000


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_render_of_xss_vector_is_safe(vector: str) -> None:
    assert_safe(markup.render(vector))


@pytest.mark.parametrize("vector", VECTORS[:400], ids=range(400))
def test_vector_inside_markdown_constructs_is_safe(vector: str) -> None:
    wrapped = f"# {vector}\n\n> {vector}\n\n- {vector}\n\n[x]({vector}) ![y]({vector})\n\n| a |\n|---|\n| {vector} |"
    assert_safe(markup.render(wrapped))


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href='vbscript:msgbox(1)'>x</a>",
        "![x](javascript:alert(1))",
    ],
)
def test_dangerous_schemes_are_dropped(source: str) -> None:
    html = markup.render(source)
    assert "javascript" not in html.lower()
    assert "vbscript" not in html.lower()
    assert "data:" not in html.lower()


def test_script_and_handlers_are_removed_with_their_content() -> None:
    html = markup.render('hello <script>alert("x")</script><img src=x onerror=alert(1)>')
    assert "<script" not in html and "alert" not in html
    assert "onerror" not in html


def test_links_get_nofollow_ugc_noopener() -> None:
    html = markup.render("[新闻](https://example.org/a)")
    assert 'href="https://example.org/a"' in html
    assert f'rel="{markup.LINK_REL}"' in html


def test_external_images_are_dropped_but_local_ones_kept() -> None:
    assert "src=" not in markup.render("![x](https://evil.example/track.png)")
    assert 'src="/static/img/a.png"' in markup.render("![x](/static/img/a.png)")
    assert "src=" not in markup.render("![x](//evil.example/a.png)")


def test_markdown_features_render() -> None:
    html = markup.render(
        "**重点**\n\n```python\nprint(1)\n```\n\n| 列 |\n|---|\n| 值 |\n\n1. 一\n2. 二"
    )
    assert "<strong>重点</strong>" in html
    assert '<code class="language-python">' in html
    assert "<table>" in html and "<td>值</td>" in html
    assert "<ol>" in html


def test_mentions_and_excerpt() -> None:
    assert markup.mentions("请 @张三 和 @li.si 看看，@张三 再确认") == ["张三", "li.si"]
    assert markup.mentions("email a@b.com") == []
    assert markup.excerpt("<p>推进<b>基层党建</b>工作</p>") == "推进基层党建工作"
    assert markup.excerpt("字" * 300, 10) == "字" * 9 + "…"


def test_sanitized_filter_escapes_what_a_dict_or_snapshot_smuggles_in() -> None:
    """Meeting messages and archived minutes reach templates as dicts (`m.html`), not as a
    `*_html` model field; the `sanitized` filter re-cleans them instead of trusting `|safe`."""
    from forum.templating import _environment

    env = _environment()
    template = env.from_string("{{ m.html | sanitized }}")
    rendered = template.render(
        m={"html": "<p>好</p><script>alert(1)</script><img src=x onerror=alert(1)>"}
    )
    assert "<p>好</p>" in rendered
    assert "<script" not in rendered and "onerror" not in rendered
    already_clean = markup.render("**要点**")
    assert template.render(m={"html": already_clean}) == already_clean


def test_stray_list_items_cannot_close_the_page_container() -> None:
    """A bare <li> would close the page's own enclosing <li> (found by the browser suite)."""
    assert markup.render("<li>a</li>") == "a"
    assert markup.render("<div id=41><li style=x onerror=alert(41)></li>") == ""
    assert markup.render("<li><ul><li>x</li></ul></li>") == "<ul><li>x</li></ul>"
    nested = "<ul><li>a<ul><li>b</li></ul></li></ul>"
    assert markup.render(nested) == nested
    assert "<li>a</li>" in markup.render("- a\n- b")
