from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.models import MemberStatus, OrgKind, RoleName
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Org',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('kind', fields.CharEnumField(description='committee: committee\ngeneral_branch: general_branch\nbranch: branch\ngroup: group', enum_type=OrgKind, max_length=20)),
                ('parent', fields.ForeignKeyField('forum.Org', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=255)),
                ('depth', fields.SmallIntField(default=0)),
                ('is_active', fields.BooleanField(default=True, db_default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'orgs', 'app': 'forum', 'indexes': [Index(fields=['parent_id', 'name'])], 'pk_attr': 'id', 'table_description': 'A node of the organization tree, stored with a materialized path `/1/3/7/`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=32)),
                ('display_name', fields.CharField(max_length=32)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True, db_default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'forum', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuthSession',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=255)),
            ],
            options={'table': 'auth_sessions', 'app': 'forum', 'indexes': [Index(fields=['user_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': 'Server-side half of a login: the cookie holds only the random id.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('forum.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='member', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(db_index=True, max_length=32)),
                ('sex', fields.CharField(default='', max_length=1)),
                ('birth_date', fields.DateField(null=True)),
                ('ethnicity', fields.CharField(default='', max_length=16)),
                ('native_place', fields.CharField(default='', max_length=32)),
                ('id_number_encrypted', fields.CharField(null=True, max_length=128)),
                ('id_number_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('id_number_hint', fields.CharField(default='', max_length=24)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('email', fields.CharField(default='', max_length=128)),
                ('education', fields.CharField(default='', max_length=16)),
                ('workplace', fields.CharField(default='', max_length=64)),
                ('position', fields.CharField(default='', max_length=32)),
                ('status', fields.CharEnumField(db_index=True, description='applicant: applicant\nactivist: activist\ndevelopment_target: development_target\nprobationary: probationary\nfull: full', enum_type=MemberStatus, max_length=24)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('group', fields.ForeignKeyField('forum.Org', source_field='group_id', null=True, db_constraint=True, to_field='id', related_name='group_members', on_delete=OnDelete.SET_NULL)),
                ('on_probation_sanction', fields.BooleanField(default=False, db_default=False)),
                ('membership_suspended', fields.BooleanField(default=False, db_default=False)),
                ('floating', fields.BooleanField(default=False, db_default=False)),
                ('host_org', fields.ForeignKeyField('forum.Org', source_field='host_org_id', null=True, db_constraint=True, to_field='id', related_name='floating_guests', on_delete=OnDelete.SET_NULL)),
                ('applied_at', fields.DateField(null=True)),
                ('activist_at', fields.DateField(null=True)),
                ('development_target_at', fields.DateField(null=True)),
                ('probation_at', fields.DateField(null=True)),
                ('full_at', fields.DateField(null=True)),
                ('archive_location', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'members', 'app': 'forum', 'indexes': [Index(fields=['org_id', 'status']), Index(fields=['org_id', 'name'])], 'pk_attr': 'id', 'table_description': "A person's membership record (电子档案). An account may have none (the public)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrgRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='secretary: secretary\ndeputy_secretary: deputy_secretary\norganization_member: organization_member\npublicity_member: publicity_member\ndiscipline_member: discipline_member\ngroup_leader: group_leader\npublisher: publisher\nmoderator: moderator\norg_admin: org_admin\nsite_admin: site_admin', enum_type=RoleName, max_length=32)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('granted_by', fields.ForeignKeyField('forum.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='granted_roles', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'org_roles', 'app': 'forum', 'indexes': [Index(fields=['user_id', 'ended_at']), Index(fields=['org_id', 'ended_at'])], 'pk_attr': 'id', 'table_description': 'A role held by a user, in an org (or site-wide when `org` is NULL), with history.'},
            bases=['Model'],
        ),
    ]
