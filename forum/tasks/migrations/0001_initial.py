from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Task',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='tasks_assigned', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(max_length=255)),
                ('title', fields.CharField(max_length=100)),
                ('body_raw', fields.TextField(default='', unique=False)),
                ('body_html', fields.TextField(default='', unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('deadline', fields.DateField()),
                ('requires_submission', fields.BooleanField(default=True)),
                ('target', fields.CharField(max_length=32)),
                ('receivers', fields.IntField(default=0)),
                ('accepted', fields.IntField(default=0)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tasks', 'app': 'tasks', 'indexes': [Index(fields=['org_path', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('tasks.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('receiver_org', fields.ForeignKeyField('forum.Org', source_field='receiver_org_id', null=True, db_constraint=True, to_field='id', related_name='tasks_received', on_delete=OnDelete.RESTRICT)),
                ('receiver_member', fields.ForeignKeyField('forum.Member', source_field='receiver_member_id', null=True, db_constraint=True, to_field='id', related_name='tasks_received', on_delete=OnDelete.RESTRICT)),
                ('receiver_user_id', fields.IntField(null=True)),
                ('receiver_path', fields.CharField(max_length=255)),
                ('receiver_name', fields.CharField(max_length=64)),
                ('state', fields.CharField(default='pending', max_length=12)),
                ('answer_raw', fields.TextField(default='', unique=False)),
                ('answer_html', fields.TextField(default='', unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_by_id', fields.IntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by_id', fields.IntField(null=True)),
                ('return_reason', fields.CharField(default='', max_length=200)),
                ('returns', fields.SmallIntField(default=0)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_assignments', 'app': 'tasks', 'unique_together': (('task_id', 'receiver_org_id', 'receiver_member_id'),), 'indexes': [Index(fields=['receiver_org_id', 'state', 'task_id']), Index(fields=['receiver_member_id', 'state', 'task_id']), Index(fields=['task_id', 'state'])], 'pk_attr': 'id', 'table_description': 'One receiver of a task and its answer: pending -> submitted -> accepted, or returned'},
            bases=['Model'],
        ),
    ]
