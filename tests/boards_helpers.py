"""Factories for board tests: a tree, accounts of every kind, a public and a branch board."""

from __future__ import annotations

from dataclasses import dataclass

from forum.boards import actions, queries
from forum.boards.models import Board, BoardModerator, Post, Topic
from forum.models import User
from tests.factories import Tree, make_person, make_tree, viewer_of


@dataclass
class World:
    tree: Tree
    public: Board
    branch: Board
    consult: Board
    users: dict[str, User]


async def make_world() -> World:
    tree = await make_tree()
    a = tree.branch_a
    users = {
        "full": await make_person(a, "full", username="full"),
        "full2": await make_person(a, "full", username="full2"),
        "probationary": await make_person(a, "probationary", username="prob"),
        "activist": await make_person(a, "activist", username="activist"),
        "applicant": await make_person(a, "applicant", username="applicant"),
        "sanctioned": await make_person(a, "full", username="sanct", on_probation_sanction=True),
        "sibling": await make_person(tree.branch_b, "full", username="sibling"),
        "public": await make_person(None, None, username="public"),
        "secretary": await make_person(a, "full", username="sec", role="secretary"),
        "site_admin": await make_person(None, None, username="root", role="site_admin"),
        "boardmod": await make_person(tree.branch_c, "full", username="bmod"),
    }
    public = await actions.do_create_board("学习园地", matrix=actions.PUBLIC_MATRIX)
    consult = await actions.do_create_board(
        "在线咨询", kind="consultation", matrix=actions.PUBLIC_MATRIX
    )
    branch = await actions.do_create_board(
        "甲支部内部交流", org=a, matrix=actions.DEFAULT_ORG_MATRIX
    )
    await BoardModerator.create(board=public, user=users["boardmod"])
    return World(tree, public, branch, consult, users)


async def start_topic(
    board: Board, user: User, title: str = "推进基层党建工作", body: str = "正文内容"
) -> Topic:
    viewer = await viewer_of(user)
    loaded = (await queries.board_index()).boards[board.id]
    return await actions.create_topic(viewer, loaded, title, body)


async def reply_to(topic: Topic, user: User, body: str = "回复内容") -> Post:
    viewer = await viewer_of(user)
    loaded = await queries.get_topic_for(viewer, topic.id)
    return await actions.create_post(viewer, loaded, body)
