"""Render time of a 1 KB Chinese post through `forum.markup.render` (Markdown, then nh3).

Run: `python bench/markup_bench.py [--runs 500 --rounds 7]` (no database needed). Prints ms
per render (best of the rounds; the variants take turns in each round) next to what the same
run measures for its parts: the parser alone (our markdown-it-py configuration, no
sanitizer), nh3 alone on the rendered HTML, and the ceiling, bare `MarkdownIt("commonmark")`
with none of our rules. Python-Markdown (the renderer before markup VERSION 3) is measured
too when it is installed (`pip install markdown`; no longer a dependency).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from markdown_it import MarkdownIt

from forum import markup

POST = """## 关于第三季度主题党日活动的几点意见

各位同志：经支部委员会研究，@张三 和 @li.si 负责本次活动的组织工作。我的意见如下：
- 活动时间定在**九月二十日**下午，地点在党员活动室；
- 请各党小组提前上报参加人数，因故不能参加的同志向支部书记请假；
  - 流动党员可以通过线上会议参加。

学习材料见 https://www.12371.cn/special/xxzd/ 和附件，请大家认真准备发言。
发言提纲请在活动前一天发到支部邮箱 zhibu@example.org，由组织委员汇总。

| 事项 | 负责人 | 完成时间 |
|---|:-:|--:|
| 场地布置 | 王五 | 9月19日 |
| 签到统计 | 赵六 | 9月20日 |

- [x] 发布通知
- [ ] 收集心得体会

> 学习贯彻要~~走过场~~落到实处。
> 活动结束后，请各位同志在一周内提交心得体会，字数不少于八百字。

```
签到二维码在活动开始前十分钟发布。
```
"""


def best_ms(
    rows: list[tuple[str, Callable[[str], object], str]], runs: int, rounds: int
) -> list[float]:
    """ms per call of each row, best of `rounds`; the rows take turns within every round, so
    a busy machine slows them alike and the figures stay comparable."""
    best = [float("inf")] * len(rows)
    for _ in range(rounds):
        for i, (_, fn, arg) in enumerate(rows):
            started = time.perf_counter()
            for _ in range(runs):
                fn(arg)
            best[i] = min(best[i], time.perf_counter() - started)
    return [b / runs * 1000 for b in best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500, help="renders per row and round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (the best one counts)")
    args = parser.parse_args()
    size = len(POST.encode())
    html = markup.render(POST)
    ours = markup._MARKDOWN
    bare = MarkdownIt("commonmark")
    rows: list[tuple[str, Callable[[str], object], str]] = [
        ("markup.render (parse + sanitize)", markup.render, POST),
        ("  our parser alone", ours.render, POST),
        ("  nh3 alone (sanitize)", markup.sanitize, ours.render(POST)),
        ("ceiling: bare MarkdownIt('commonmark')", bare.render, POST),
    ]
    try:
        import markdown
    except ImportError:
        pass
    else:
        extensions = ["fenced_code", "tables", "sane_lists"]

        def old(raw: str) -> str:
            return markup.sanitize(markdown.markdown(raw, extensions=extensions))

        rows.append(("before (Python-Markdown + nh3)", old, POST))
    figures = best_ms(rows, args.runs, args.rounds)
    print(
        f"post: {size:,} bytes UTF-8, {len(POST)} characters -> {len(html.encode()):,} bytes HTML"
    )
    print(
        f"markup VERSION {markup.VERSION}; best of {args.rounds} rounds x {args.runs} renders, "
        "one core"
    )
    for (label, _, _), ms in zip(rows, figures, strict=True):
        print(f"{label:<42}{ms:8.3f} ms/render{1000 / ms:>10,.0f} renders/s")


if __name__ == "__main__":
    main()
