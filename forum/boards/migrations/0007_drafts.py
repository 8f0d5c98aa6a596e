from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('boards', '0006_bookmarks'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Draft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='drafts', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=40)),
                ('board', fields.ForeignKeyField('boards.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='drafts', on_delete=OnDelete.CASCADE)),
                ('topic', fields.ForeignKeyField('boards.Topic', source_field='topic_id', null=True, db_constraint=True, to_field='id', related_name='drafts', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(default='', max_length=120)),
                ('body', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'boards_drafts', 'app': 'boards', 'unique_together': (('user_id', 'key'),), 'pk_attr': 'id', 'table_description': "A composer's unsent text, saved as its author types: one per (author, key), where the"},
            bases=['Model'],
        ),
    ]
