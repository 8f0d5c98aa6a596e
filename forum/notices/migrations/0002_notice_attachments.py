from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox'), ('forum', '0007_member_id_number_not_unique'), ('notices', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NoticeAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('notices.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=120)),
                ('kind', fields.CharField(max_length=12)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notice_attachments', 'app': 'notices', 'indexes': [Index(fields=['notice_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A file published with a notice (stored by `forum.files`): who may read the notice may'},
            bases=['Model'],
        ),
    ]
