from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import MemberStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Member',
            name='status',
            field=fields.CharEnumField(db_index=True, description='public: public\napplicant: applicant\nactivist: activist\ndevelopment_target: development_target\nprobationary: probationary\nfull: full', enum_type=MemberStatus, max_length=24),
        ),
    ]
