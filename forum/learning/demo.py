"""Demo study data, through the real actions: categories, an article, an audio clip made in
code (a WAV tone), the small video shipped in `demo_files/`, two courses (one a 发展对象培训
with a quiz), and assignments in progress."""

from __future__ import annotations

import datetime as dt
import io
import math
import wave
from pathlib import Path

from forum.clock import utcnow
from forum.learning import actions
from forum.learning.models import Category, Course
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user

VIDEO = Path(__file__).resolve().parent / "demo_files" / "study-demo.webm"
VIDEO_SECONDS = 12
CATEGORIES = ("党章党规", "理论学习", "党史学习", "业务知识", "发展党员培训")

ARTICLE = """## 学习党章，做合格党员

党章是党的根本大法，是全党必须共同遵守的根本行为规范。

- 认真学习党章，牢固树立党章意识；
- 严格遵守党章，自觉按党章规定办事；
- 坚决维护党章，敢于同违反党章的行为作斗争。

> 每名党员每年参加集中学习培训累计不少于 32 学时。
"""

TRAINING = """## 发展对象培训须知

发展对象须参加集中培训，时间不少于三天（或不少于 24 学时）。培训内容包括党的基本理论、
党的基本知识和入党程序。培训结束后进行考试，合格者方可列为预备党员人选。
"""


def tone_wav(seconds: int = 8, rate: int = 8000) -> bytes:
    """A quiet 440 Hz tone with a 660 Hz second half: an audio clip made in code."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        frames = bytearray()
        for i in range(seconds * rate):
            f = 440 if i < seconds * rate // 2 else 660
            frames.append(128 + int(60 * math.sin(2 * math.pi * f * i / rate)))
        w.writeframes(bytes(frames))
    return out.getvalue()


async def seed(ctx: DemoContext) -> None:
    for order, name in enumerate(CATEGORIES):
        await Category.get_or_create(name=name, defaults={"sort_order": order * 10})
    cats = {c.name: c.id for c in await Category.all()}
    branch = ctx.branches[0]
    publisher = await viewer_for_user(ctx.users["publisher"].id)
    secretary = await viewer_for_user(ctx.users["secretary"].id)

    async def make(
        kind: str, title: str, category: str, media: bytes | None = None, **extra: str
    ) -> int:
        data = {
            "org_id": str(branch.id),
            "kind": kind,
            "title": title,
            "category_id": str(cats[category]),
            **extra,
        }
        r = await actions.create_resource(publisher, actions.parse_resource(data, media))
        await actions.submit(publisher, r)
        await actions.approve(secretary, r)
        return r.id

    article = await make(
        "article",
        "学习党章，做合格党员",
        "党章党规",
        body=ARTICLE,
        author="第一党支部",
        tags="党章,必学",
    )
    audio = await make(
        "audio",
        "党史故事音频：长征精神",
        "党史学习",
        tone_wav(),
        summary="一段在程序中生成的示例音频",
        duration_minutes="",
    )
    video = await make(
        "video",
        "示例视频：入党誓词",
        "理论学习",
        VIDEO.read_bytes(),
        duration_seconds=str(VIDEO_SECONDS),
        summary="随项目发布的小视频（测试图案与提示音）",
    )
    notice = await make("article", "发展对象培训须知", "发展党员培训", body=TRAINING)

    async def course(title: str, lessons: list[tuple[int, int]], training: bool = False) -> Course:
        data = {
            "org_id": str(branch.id),
            "title": title,
            "description": f"{title}（示例课程）",
            "pass_mark": "60",
            "max_attempts": "3",
            "paper_size": "3",
        }
        if training:
            data["training"] = "1"
        c = await actions.create_course(publisher, data)
        for rid, tenths in lessons:
            await actions.add_lesson(
                publisher, c, {"resource_id": str(rid), "hours_tenths": str(tenths)}
            )
        return c

    basics = await course("党章学习专题课", [(article, 10), (video, 10), (audio, 5)])
    for text, kind, options, answer in (
        ("党章是党的根本大法。", "truefalse", "", "A"),
        ("党员每年集中学习培训累计不少于多少学时？", "single", "16\n32\n48\n64", "B"),
        ("以下哪些属于“三会一课”？", "multiple", "支部党员大会\n支委会\n党小组会\n茶话会", "ABC"),
        ("党支部书记每年学习培训不少于 56 学时。", "truefalse", "", "A"),
    ):
        await actions.add_question(
            publisher, basics, {"kind": kind, "text": text, "options": options, "answer": answer}
        )
    training = await course("发展对象集中培训", [(notice, 30), (video, 10)], training=True)
    await actions.add_question(
        publisher,
        training,
        {"kind": "truefalse", "text": "发展对象培训不少于三天或 24 学时。", "answer": "A"},
    )
    for c in (basics, training):
        await actions.submit(publisher, c)
        await actions.approve(secretary, c)
    deadline = (utcnow() + dt.timedelta(days=20)).date().isoformat()
    await actions.create_assignment(
        secretary, {"org_id": str(branch.id), "target": f"c:{basics.id}", "deadline": deadline}
    )
    await actions.create_assignment(
        secretary,
        {
            "org_id": str(branch.id),
            "target": f"c:{training.id}",
            "statuses": ["development_target", "activist"],
            "deadline": deadline,
        },
    )
