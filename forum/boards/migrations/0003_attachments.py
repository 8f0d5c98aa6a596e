from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.boards.models import AttachmentKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('boards', '0002_search'), ('forum', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('boards.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.RESTRICT)),
                ('uploader', fields.ForeignKeyField('forum.User', source_field='uploader_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.RESTRICT)),
                ('post', fields.ForeignKeyField('boards.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.SET_NULL)),
                ('filename', fields.CharField(max_length=120)),
                ('content_type', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='image: image\ndocument: document', enum_type=AttachmentKind, max_length=16)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(max_length=80)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_attachments', 'app': 'boards', 'indexes': [Index(fields=['post_id', 'id']), Index(fields=['uploader_id', 'created_at']), Index(fields=['board_id', 'id']), Index(fields=['sha256'])], 'pk_attr': 'id', 'table_description': 'A file uploaded to a board, linked to the post whose text first references it.'},
            bases=['Model'],
        ),
    ]
