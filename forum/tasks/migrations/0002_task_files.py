from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox'), ('forum', '0007_member_id_number_not_unique'), ('tasks', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TaskFile',
            fields=[
                ('filename', fields.CharField(max_length=120)),
                ('kind', fields.CharField(max_length=12)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('tasks.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE)),
                ('assignment', fields.ForeignKeyField('tasks.TaskAssignment', source_field='assignment_id', null=True, db_constraint=True, to_field='id', related_name='files', on_delete=OnDelete.CASCADE)),
                ('uploader_id', fields.IntField(null=True)),
            ],
            options={'table': 'task_files', 'app': 'tasks', 'indexes': [Index(fields=['task_id', 'assignment_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A file of the task itself (`assignment` null: seen by all its receivers) or of one'},
            bases=['StoredFileRow'],
        ),
    ]
