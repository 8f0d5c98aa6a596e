from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('affairs', '0001_initial'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox'), ('forum', '0007_member_id_number_not_unique')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ServiceAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('affairs.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('message', fields.ForeignKeyField('affairs.ServiceMessage', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.SET_NULL)),
                ('uploader', fields.ForeignKeyField('forum.User', source_field='uploader_id', null=True, db_constraint=True, to_field='id', related_name='service_attachments', on_delete=OnDelete.SET_NULL)),
                ('filename', fields.CharField(max_length=120)),
                ('kind', fields.CharField(max_length=12)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_attachments', 'app': 'affairs', 'indexes': [Index(fields=['request_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A file attached to a request or to a message of its thread (stored by `forum.files`).'},
            bases=['Model'],
        ),
    ]
