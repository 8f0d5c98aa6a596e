"""Copy the forum's notifications into the kernel inbox (`notifications`).

Each row keeps its person, actor, times and read state; it gets the sentence the forum page
used to build ("张三 引用了你的回帖"), the topic's title, its link, and the subject
`topic:{id}` with the post number, so viewing the topic still marks it read. The old table
`boards_notifications` is kept (never dropped) and no longer written.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

COPY = (
    "INSERT INTO notifications (user_id, kind, actor_id, title, text, url, subject, number, "
    "group_key, count, created_at, updated_at, read_at) "
    "SELECT n.user_id, n.kind, n.actor_id, SUBSTR(t.title, 1, 200), "
    "COALESCE(u.display_name, '有人') || ' ' || CASE n.kind "
    "WHEN 'mention' THEN '提到了你' WHEN 'reply' THEN '回复了你的主题' "
    "WHEN 'quote' THEN '引用了你的回帖' WHEN 'accepted' THEN '采纳了你的回答' "
    "ELSE '通知了你' END, "
    "'/t/' || CAST(n.topic_id AS VARCHAR(20)) || '/' || CAST(n.post_number AS VARCHAR(20)), "
    "'topic:' || CAST(n.topic_id AS VARCHAR(20)), n.post_number, NULL, 1, "
    "n.created_at, n.created_at, n.read_at "
    "FROM boards_notifications n JOIN boards_topics t ON t.id = n.topic_id "
    "LEFT JOIN users u ON u.id = n.actor_id ORDER BY n.id"
)


async def copy_rows(apps, schema_editor):
    await schema_editor.client.execute_script(COPY)


async def remove_copies(apps, schema_editor):
    """Going back: drop the copies (the originals are still in boards_notifications)."""
    await schema_editor.client.execute_script(
        "DELETE FROM notifications WHERE kind IN ('mention', 'reply', 'quote', 'accepted')"
    )


class Migration(migrations.Migration):
    dependencies = [("boards", "0004_held"), ("forum", "0004_notifications")]

    initial = False

    operations = [ops.RunPython(copy_rows, remove_copies)]
