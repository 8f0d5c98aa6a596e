from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('boards', '0005_notifications_to_inbox'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Bookmark',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('topic', fields.ForeignKeyField('boards.Topic', source_field='topic_id', null=True, db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('boards.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=24)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_bookmarks', 'app': 'boards', 'unique_together': (('user_id', 'key'),), 'indexes': [Index(fields=['user_id', 'id'])], 'pk_attr': 'id', 'table_description': "A person's bookmark (收藏) of a topic (`post` NULL) or of one post (`topic` NULL: the"},
            bases=['Model'],
        ),
    ]
