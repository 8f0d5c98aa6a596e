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
    """No URL attribute keeps the scheme (markdown-it leaves such a link as its text)."""
    parser = _Collector()
    parser.feed(markup.render(source))
    urls = [v or "" for _, attrs in parser.tags for k, v in attrs if k in {"href", "src"}]
    for url in urls:
        assert not url.lower().startswith(("javascript", "vbscript", "data:")), url


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


# ---- Markdown as people type it (markdown-it-py, VERSION 3) ---------------------------------


def test_a_list_right_after_a_line_of_text_is_a_list() -> None:
    html = markup.render("我的意见如下：\n- 第一条\n- 第二条")
    assert html == "<p>我的意见如下：</p>\n<ul>\n<li>第一条</li>\n<li>第二条</li>\n</ul>"


def test_two_space_indents_nest_lists() -> None:
    html = markup.render("- 学习\n  - 理论\n  - 实践\n- 讨论")
    assert "<li>学习\n<ul>\n<li>理论</li>\n<li>实践</li>\n</ul>\n</li>" in html
    assert html.count("<ul>") == 2
    ordered = markup.render("1. 一\n   - 甲\n2. 二")
    assert "<ol>\n<li>一\n<ul>\n<li>甲</li>\n</ul>\n</li>" in ordered


def test_a_single_newline_is_a_line_break() -> None:
    assert markup.render("第一行\n第二行") == "<p>第一行<br>\n第二行</p>"
    assert markup.render("一段\n\n另一段") == "<p>一段</p>\n<p>另一段</p>"


def test_tables_keep_their_alignment() -> None:
    html = markup.render("| 事项 | 人数 | 备注 |\n|:--|:-:|--:|\n| 签到 | 12 | 无 |")
    assert '<th align="left">事项</th>' in html and '<th align="center">人数</th>' in html
    assert '<td align="right">无</td>' in html and "style" not in html
    assert "<th>甲</th>" in markup.render("| 甲 |\n|---|\n| 乙 |")


def test_strikethrough() -> None:
    assert markup.render("要~~走过场~~落实") == "<p>要<s>走过场</s>落实</p>"


def test_bare_urls_become_links_and_stop_before_chinese_text() -> None:
    rel = f'rel="{markup.LINK_REL}"'
    assert markup.render("见 https://www.12371.cn/a?b=1") == (
        f'<p>见 <a href="https://www.12371.cn/a?b=1" {rel}>https://www.12371.cn/a?b=1</a></p>'
    )
    typed = markup.render("请访问https://example.org/x了解详情。")
    assert f'访问<a href="https://example.org/x" {rel}>https://example.org/x</a>了解' in typed
    www = markup.render("学习网站www.12371.cn，每天看看")
    assert f'<a href="http://www.12371.cn" {rel}>www.12371.cn</a>，' in www
    mail = markup.render("发到zhibu@example.org即可")
    assert f'<a href="mailto:zhibu@example.org" {rel}>zhibu@example.org</a>即可' in mail
    # A host name without a scheme or www. stays text (GFM's rule): file names are not links.
    assert markup.render("见 README.md 和 a.py") == "<p>见 README.md 和 a.py</p>"
    assert "<a" not in markup.render("中文“https://”结束")
    # Inside a Markdown link or code nothing more is linked.
    assert markup.render("`https://a.org`") == "<p><code>https://a.org</code></p>"
    linked = markup.render("[官网](https://a.org) https://b.org")
    assert linked.count("<a ") == 2 and 'href="https://b.org"' in linked


def test_task_lists_render_disabled_checkboxes() -> None:
    html = markup.render("- [x] 发布通知\n- [ ] 收集心得")
    assert '<ul class="contains-task-list">' in html
    assert (
        '<li class="task-list-item"><input class="task-list-item-checkbox" checked="checked" '
        'disabled="disabled" type="checkbox"> 发布通知</li>'
    ) in html
    assert (
        '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox"> 收集' in html
    )


def test_raw_inputs_are_only_ever_disabled_checkboxes() -> None:
    html = markup.render(
        '<input type="text" name="csrf_token" value="x" autofocus onfocus=alert(1)>'
    )
    assert html == '<input type="checkbox" disabled="disabled">'
    checked = markup.render('<input type=checkbox checked="no" class="x task-list-item-checkbox">')
    assert checked == (
        '<input type="checkbox" checked="checked" class="task-list-item-checkbox" '
        'disabled="disabled">'
    )
    # Other classes than the task list's are dropped from lists, links and spans alike.
    assert markup.render('<ul class="nav"><li class="x">a</li></ul>') == "<ul><li>a</li></ul>"
    assert (
        markup.render('<span class="mention evil">@a</span>')
        == '<p><span class="mention">@a</span></p>'
    )


def test_mentions_render_as_profile_links() -> None:
    rel = f'rel="{markup.LINK_REL}"'
    html = markup.render("请 @张三 和 @li.si. 看看")
    assert f'<a href="/u/%E5%BC%A0%E4%B8%89" class="mention" {rel}>@张三</a> 和 ' in html
    assert f'<a href="/u/li.si" class="mention" {rel}>@li.si</a>. 看看' in html
    assert markup.render("你好 @wang_5") == (
        f'<p>你好 <a href="/u/wang_5" class="mention" {rel}>@wang_5</a></p>'
    )
    # Not in code, not inside a link (Markdown, bare or raw HTML), not an e-mail address.
    untouched = [
        "`@张三`",
        "    @张三",
        "[@张三](/t/1)",
        "<a href='/t/1'>@张三</a> 和 <b>@</b>",
        "https://example.org/@zhang",
        "mail a@b.example",
        "@a. 和 @ 和 @-",
    ]
    for source in untouched:
        assert 'class="mention"' not in markup.render(source), source
    assert 'class="mention"' in markup.render("<a href='/t/1'>x</a> @张三 <b>@李四</b>")
    # Every link rendered is one `mentions()` finds.
    source = "@张三 说：@li.si，`@code` 和 @王五"
    assert markup.mentions(source)[:2] == ["张三", "li.si"]
    assert markup.render(source).count('class="mention"') == 3
