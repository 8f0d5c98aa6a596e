"""Seeds every XSS vector into the browser live server's database for the surface tests.

Run as `python -m tests.browser.xss_seed` with the live server's environment (same
FORUM_DATA_DIR): it writes rows straight through the ORM (HTML through `forum.markup.render`,
the function every write path uses) so thousands of vectors take a second, and prints a JSON
summary of what it created. Single-line fields hold several vectors each (packed up to the
field's length, a vector longer than the field is cut to it) so a list page shows many
vectors at once; Markdown fields hold many vectors per row.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from tests.corpora import all_xss_vectors

# Field lengths the packing respects (the models' max_length, the forms' limits).
TITLE_CHARS = 120
NAME_CHARS = 32  # users.display_name
SNIPPET_CHARS = 160  # the search's excerpt: about 120 characters of text around the keyword
FEEDBACK_CHARS = 2000
MESSAGE_CHARS = 5000
BODY_CHARS = 40_000
SPEAKERS = (
    "secretary",
    "deputy",
    "organizer",
    "publicity",
    "discipline",
    "group_leader",
    "publisher",
    "full_member",
    "probationary",
)
SEARCH_GROUP = 480  # disclosures per search keyword (the search caps hits at 500)
POST_GROUP = 180  # posts per keyword of the one search (it ranks at most 200 per query)


def pack(vectors: list[str], limit: int, sep: str = " ") -> list[str]:
    """Vectors joined by `sep` into strings of at most `limit` characters, in order."""
    out: list[str] = []
    current = ""
    for vector in vectors:
        vector = vector[:limit]
        if current and len(current) + len(sep) + len(vector) > limit:
            out.append(current)
            current = ""
        current = f"{current}{sep}{vector}" if current else vector
    if current:
        out.append(current)
    return out


def group_keyword(index: int) -> str:
    return f"XQ{index // SEARCH_GROUP:03d}"


def post_keyword(index: int) -> str:
    return f"XB{index // POST_GROUP:03d}"


async def seed_disclosures(vectors: list[str]) -> dict[str, Any]:
    from forum import markup
    from forum.models import Org, User
    from transparency.models import Disclosure, DisclosureCategory, Feedback

    publisher = await User.get(username="publisher")
    member = await User.get(username="full_member")
    org = await Org.filter(kind="branch").order_by("id").first()
    assert org is not None
    category = await DisclosureCategory.filter(is_active=True).order_by("id").first()
    assert category is not None
    now = dt.datetime.now(dt.UTC)
    # Titles: each holds a search keyword for its group, then as many vectors as fit.
    titles = pack(vectors, TITLE_CHARS - 6)
    bodies = pack(vectors, BODY_CHARS, sep="\n\n")
    rows = []
    for index, packed in enumerate(titles):
        title = f"{group_keyword(index)} {packed}"
        body = bodies[index] if index < len(bodies) else "正文"
        rows.append(
            Disclosure(
                title=title,
                category_id=category.id,
                org_id=org.id,
                scope="public",
                state="published",
                publish_from=now - dt.timedelta(seconds=len(titles) - index),
                body_raw=body,
                body_html=markup.render(body),
                render_version=markup.VERSION,
                search_text=f"{title}\n{body}",
                revision_count=1,
                created_by_id=publisher.id,
                published_by_id=publisher.id,
                published_at=now,
            )
        )
    await Disclosure.bulk_create(rows, batch_size=200)
    created = await Disclosure.filter(title__startswith="XQ").order_by("id")
    by_title = {d.title: d.id for d in created}
    item_ids = [by_title[f"{group_keyword(i)} {t}"] for i, t in enumerate(titles)]
    # Feedback: one published item holds every vector as feedback and as the answer.
    holder = item_ids[0]
    feedback = pack(vectors, FEEDBACK_CHARS, sep="\n\n")
    await Feedback.bulk_create(
        [
            Feedback(
                disclosure_id=holder,
                author_id=member.id,
                body_raw=text,
                body_html=markup.render(text),
                render_version=markup.VERSION,
                answer_raw=text,
                answer_html=markup.render(text),
                answered_by_id=publisher.id,
                answered_at=now,
                is_public=True,
            )
            for text in feedback
        ],
        batch_size=100,
    )
    return {
        "title_items": len(titles),
        "body_items": item_ids[: len(bodies)],
        "feedback_item": holder,
        "feedback_rows": len(feedback),
        "search_groups": sorted({group_keyword(i) for i in range(len(titles))}),
    }


async def seed_boards(vectors: list[str]) -> dict[str, Any]:
    from forum import markup
    from forum.boards.models import Board, Post, Topic
    from forum.models import User
    from forum.notifications import Notification

    author = await User.get(username="publicity")
    reader = await User.get(username="full_member")
    board = await Board.get(name="学习园地")
    now = dt.datetime.now(dt.UTC)
    titles = pack(vectors, TITLE_CHARS)
    # The search excerpt is cut around the keyword: the keyword of its group, then vectors.
    snippets = [f"{post_keyword(i)} {s}" for i, s in enumerate(pack(vectors, SNIPPET_CHARS - 8))]
    count = max(len(titles), len(snippets))
    topics = [
        Topic(
            board_id=board.id,
            title=titles[i % len(titles)],
            author_id=author.id,
            last_activity_at=now,
            last_poster_name="",
            last_number=1,
        )
        for i in range(count)
    ]
    await Topic.bulk_create(topics, batch_size=200)
    created = await Topic.filter(board_id=board.id, author_id=author.id, last_activity_at=now)
    created.sort(key=lambda t: t.id)
    created = created[-count:]
    await Post.bulk_create(
        [
            Post(
                topic_id=topic.id,
                number=1,
                author_id=author.id,
                body_raw=snippets[i] if i < len(snippets) else "语料",
                body_html=markup.render(snippets[i] if i < len(snippets) else "语料"),
                render_version=markup.VERSION,
            )
            for i, topic in enumerate(created)
        ],
        batch_size=200,
    )
    kinds = ["mention", "reply", "quote", "accepted"]
    await Notification.bulk_create(
        [
            Notification(
                user_id=reader.id,
                kind=kinds[i % len(kinds)],
                actor_id=author.id,
                title=topic.title,
                text=f"{author.display_name} 提到了你",
                url=f"/t/{topic.id}/1",
                subject=f"topic:{topic.id}",
                number=1,
            )
            for i, topic in enumerate(created[: len(titles)])
        ],
        batch_size=200,
    )
    return {
        "topics": count,
        "notifications": len(titles),
        "snippets": len(snippets),
        "snippet_groups": sorted({post_keyword(i) for i in range(len(snippets))}),
        "reader": reader.username,
    }


async def seed_meeting() -> dict[str, Any]:
    """A live meeting of the first branch hosted (and attended) by its secretary."""
    from forum.models import Org, User
    from forum.viewer import viewer_for_user
    from realtime.meetings import actions

    host_user = await User.get(username="secretary")
    host = await viewer_for_user(host_user.id)
    branch = await Org.filter(kind="branch").order_by("id").first()
    assert branch is not None
    meeting = await actions.schedule_meeting(
        host,
        branch,
        type="branch_plenary",
        title="XSS 语料会议",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1),
        agenda=["讨论"],
    )
    meeting = await actions.start_meeting(host, meeting)
    # Several speakers: the room allows each member a burst of 5 messages per 10 seconds.
    speakers = []
    for name in SPEAKERS:
        user = await User.get(username=name)
        await actions.check_in(await viewer_for_user(user.id), meeting)
        speakers.append(name)
    messages = pack(all_xss_vectors(), MESSAGE_CHARS, "\n\n")
    assert len(messages) <= 5 * len(speakers), len(messages)
    return {"meeting": meeting.id, "messages": messages, "speakers": speakers}


async def seed_display_names(vectors: list[str]) -> dict[str, Any]:
    """One account per vector, its display name the vector (cut to the column's 32
    characters), each holding the 发布员 role in one branch so the org pages list them all.
    The accounts cannot log in (no valid password hash)."""
    from forum.models import Org, OrgRole, User

    org = await Org.get(name="第三党支部")
    await User.bulk_create(
        [
            User(username=f"xssname{i:05d}", display_name=v[:NAME_CHARS], password_hash="!")
            for i, v in enumerate(vectors)
        ],
        batch_size=500,
    )
    users = await User.filter(username__startswith="xssname").order_by("id")
    await OrgRole.bulk_create(
        [OrgRole(user_id=u.id, org_id=org.id, role="publisher") for u in users], batch_size=500
    )
    return {"org": org.id, "names": len(users)}


async def main() -> dict[str, Any]:
    from tortoise import Tortoise

    from forum.site import orm_config as tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        vectors = all_xss_vectors()
        return {
            "vectors": len(vectors),
            "disclosures": await seed_disclosures(vectors),
            "boards": await seed_boards(vectors),
            "meeting": await seed_meeting(),
            "display_names": await seed_display_names(vectors),
        }
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
