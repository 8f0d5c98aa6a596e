from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('moderation', '0004_topic_steering')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SitePin',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic_id', fields.IntField(unique=True)),
                ('pinned_by', fields.ForeignKeyField('forum.User', source_field='pinned_by_id', null=True, db_constraint=True, to_field='id', related_name='site_pins', on_delete=OnDelete.SET_NULL)),
                ('pinned_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_site_pins', 'app': 'moderation', 'indexes': [Index(fields=['pinned_at', 'id'])], 'pk_attr': 'id', 'table_description': 'A topic pinned site-wide by a site moderator, shown at the top of the home page and of'},
            bases=['Model'],
        ),
    ]
