"""Demo boards: the four site boards, a branch-internal board, and some discussion."""

from __future__ import annotations

import dataclasses

from forum.boards import actions, demo_files
from forum.boards.models import Board
from forum.policy import Viewer
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user

SITE_BOARDS = [
    ("时事热点", "discussion", "关注时事，理性讨论。", actions.PUBLIC_MATRIX),
    (
        "党务公开讨论",
        "discussion",
        "围绕已公开的党务事项交流意见。",
        {
            **actions.PUBLIC_MATRIX,
            "start_topic": ("probationary", "org_subtree", True),
            "reply": ("activist", "org_subtree", True),
        },
    ),
    ("学习园地", "discussion", "理论学习心得与资料分享。", actions.PUBLIC_MATRIX),
    (
        "在线咨询",
        "consultation",
        "党务工作问题在线咨询，由组织工作人员解答。",
        {**actions.PUBLIC_MATRIX, "start_topic": ("public", "logged_in", False)},
    ),
]

DISCUSSIONS = [
    (
        "学习园地",
        "full_member",
        "推进基层党建工作的几点体会",
        "结合本支部实际，谈谈如何**推进基层党建工作**：\n\n"
        "1. 抓好“三会一课”\n2. 落实主题党日\n3. 加强党员教育管理",
        [
            ("probationary", "很有启发，我们支部也在落实主题党日。"),
            ("secretary", "@full_member 写得好，下次支部党员大会上交流一下。"),
        ],
    ),
    (
        "时事热点",
        "activist",
        "关于社区志愿服务的讨论",
        "大家所在的社区最近有哪些志愿服务活动？",
        [("full_member", "我们社区每周六有义务理发。")],
    ),
    (
        "在线咨询",
        "applicant",
        "入党申请书应该交给谁？",
        "我想递交入党申请书，请问应该交给哪个组织？",
        [("secretary", "请交给你工作单位所在的党支部，支部会在一个月内派人谈话。")],
    ),
]


async def _viewer(ctx: DemoContext, key: str) -> Viewer:
    return await viewer_for_user(ctx.users[key].id)


async def _seed_study_files(ctx: DemoContext, board: Board) -> None:
    """A topic with an inline chart and a PDF, uploaded through the real attachment action."""
    publicity = await _viewer(ctx, "publicity")
    chart = await actions.upload_attachment(
        publicity, board, "学习进度.png", demo_files.bar_chart_png([60, 85, 40, 95])
    )
    reading = await actions.upload_attachment(
        publicity,
        board,
        "第三季度学习资料目录.pdf",
        demo_files.text_pdf(
            ["第三季度理论学习资料目录", "1. 中国共产党章程", "2. 中国共产党支部工作条例（试行）"]
        ),
    )
    await actions.create_topic(
        publicity,
        board,
        "第三季度理论学习资料",
        "各支部学习进度如下（按月统计）：\n\n"
        f"{actions.attachment_markdown(chart)}\n\n"
        f"学习资料目录请下载：{actions.attachment_markdown(reading)}",
    )


async def seed(ctx: DemoContext) -> None:
    if await Board.exists(org_id=None, name="时事热点"):
        return
    boards: dict[str, Board] = {}
    for position, (name, kind, description, matrix) in enumerate(SITE_BOARDS):
        boards[name] = await actions.do_create_board(
            name, kind=kind, description=description, position=position, matrix=matrix
        )
    branch = ctx.branches[0]
    internal = await actions.do_create_board(
        f"{branch.name}内部交流",
        org=branch,
        description="仅本支部党员和积极分子可见。",
        matrix=actions.DEFAULT_ORG_MATRIX,
    )
    boards[internal.name] = internal
    from forum.boards import queries

    index = await queries.board_index()
    for board_name, author, title, body, replies in DISCUSSIONS:
        board = index.boards[boards[board_name].id]
        topic = await actions.create_topic(await _viewer(ctx, author), board, title, body)
        for who, text in replies:
            topic.access = board.access
            await actions.create_post(await _viewer(ctx, who), topic, text)
    await _seed_study_files(ctx, index.boards[boards["学习园地"].id])
    secretary = dataclasses.replace(await _viewer(ctx, "secretary"))
    internal_board = index.boards[internal.id]
    await actions.create_topic(
        secretary,
        internal_board,
        "本月主题党日安排",
        "本月主题党日定于最后一个周五下午，请大家准时参加。",
    )
