from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from realtime.meetings.models import MeetingStatus, MeetingType, MuteKind, SpeakingState
from realtime.meetings.votes import Choice, DenominatorBasis, VoteKind, VoteState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    # Workaround: tortoise 1.1.9 fails to apply moderation.0001 (AuditEntry left uninitialized)
    # when another app's FKs to forum are applied before it; depending on moderation.0001
    # (which follows forum.0001 in the plan) keeps it first. Needs forum.0001 too.
    dependencies = [('forum', '0001_initial'), ('moderation', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(max_length=255)),
                ('type', fields.CharEnumField(description='branch_plenary: branch_plenary\nbranch_committee: branch_committee\ngroup_meeting: group_meeting\nparty_lecture: party_lecture\ntheme_day: theme_day\norg_life: org_life\nopen_exchange: open_exchange', enum_type=MeetingType, max_length=24)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=MeetingStatus.draft, description='draft: draft\nscheduled: scheduled\nlive: live\nended: ended\narchived: archived', enum_type=MeetingStatus, max_length=12)),
                ('paused', fields.BooleanField(default=False, db_default=False)),
                ('discussion_locked', fields.BooleanField(default=False, db_default=False)),
                ('scheduled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('location', fields.CharField(default='', max_length=120)),
                ('host_user_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='meetings_created', on_delete=OnDelete.SET_NULL)),
                ('last_message_no', fields.IntField(default=0, db_default=0)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meetings', 'app': 'meetings', 'indexes': [Index(fields=['org_id', 'status', 'scheduled_at']), Index(fields=['org_path', 'scheduled_at'])], 'pk_attr': 'id', 'table_description': 'One meeting of an org. `org_path` is copied from the org for subtree filters.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='agenda', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField()),
                ('title', fields.CharField(max_length=200)),
                ('is_current', fields.BooleanField(default=False, db_default=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_agenda_items', 'app': 'meetings', 'unique_together': (('meeting_id', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='checkins', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='meeting_checkins', on_delete=OnDelete.RESTRICT)),
                ('checked_in_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_checkins', 'app': 'meetings', 'unique_together': (('meeting_id', 'member_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeaveRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='leave_requests', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='meeting_leave_requests', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_leave_requests', 'app': 'meetings', 'unique_together': (('meeting_id', 'member_id'),), 'pk_attr': 'id', 'table_description': '请假 with a reason, filed before the start.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='meeting_messages', on_delete=OnDelete.RESTRICT)),
                ('author_name', fields.CharField(max_length=32)),
                ('agenda_item_id', fields.IntField(null=True)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.SmallIntField()),
                ('removed', fields.BooleanField(default=False, db_default=False)),
                ('removed_by_id', fields.IntField(null=True)),
                ('removed_reason', fields.CharField(default='', max_length=500)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_messages', 'app': 'meetings', 'unique_together': (('meeting_id', 'number'),), 'pk_attr': 'id', 'table_description': 'A discussion message. Removed ones stay for the moderation record, hidden in the room.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Minutes',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.OneToOneField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='minutes', on_delete=OnDelete.CASCADE)),
                ('record', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('summary_raw', fields.TextField(default='', unique=False)),
                ('summary_html', fields.TextField(default='', unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('generated_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_minutes', 'app': 'meetings', 'pk_attr': 'id', 'table_description': "会议记录: the assembled record (frozen JSON) and the host's summary."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MinutesCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('minutes', fields.ForeignKeyField('meetings.Minutes', source_field='minutes_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.SmallIntField()),
                ('author_id', fields.IntField(null=True)),
                ('author_name', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_minutes_corrections', 'app': 'meetings', 'indexes': [Index(fields=['minutes_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A correction appended to archived minutes (they are never edited in place).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Mute',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='mutes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='meeting_mutes', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='mute: mute\nremove: remove', enum_type=MuteKind, max_length=8)),
                ('by_user_id', fields.IntField(null=True)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('lifted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_mutes', 'app': 'meetings', 'indexes': [Index(fields=['meeting_id', 'user_id', 'lifted_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RollEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='roll', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='meeting_roll_entries', on_delete=OnDelete.RESTRICT)),
                ('user_id', fields.IntField(null=True)),
                ('name', fields.CharField(max_length=32)),
                ('status', fields.CharField(max_length=24)),
                ('guest', fields.BooleanField(default=False, db_default=False)),
                ('voter', fields.BooleanField(default=False, db_default=False)),
                ('on_leave', fields.BooleanField(default=False, db_default=False)),
            ],
            options={'table': 'meeting_roll', 'app': 'meetings', 'unique_together': (('meeting_id', 'member_id'),), 'indexes': [Index(fields=['meeting_id', 'user_id'])], 'pk_attr': 'id', 'table_description': 'The expected roll (应到), generated from the org at the start, plus guests.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpeakingRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='speaking_queue', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='meeting_speaking', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('state', fields.CharEnumField(default=SpeakingState.waiting, description='waiting: waiting\nspeaking: speaking\ndone: done\nwithdrawn: withdrawn', enum_type=SpeakingState, max_length=12)),
                ('raised_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('floor_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_speaking_queue', 'app': 'meetings', 'indexes': [Index(fields=['meeting_id', 'state'])], 'pk_attr': 'id', 'table_description': 'An entry of the speaking queue: raise hand -> floor -> done.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('meetings.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('agenda_item_id', fields.IntField(null=True)),
                ('kind', fields.CharEnumField(description='motion: motion\nadmission: admission\nconversion: conversion\nelection: election', enum_type=VoteKind, max_length=12)),
                ('title', fields.CharField(max_length=200)),
                ('candidate', fields.ForeignKeyField('forum.Member', source_field='candidate_id', null=True, db_constraint=True, to_field='id', related_name='meeting_votes_about', on_delete=OnDelete.RESTRICT)),
                ('seats', fields.SmallIntField(default=1, db_default=1)),
                ('secret', fields.BooleanField(default=False, db_default=False)),
                ('state', fields.CharEnumField(default=VoteState.unpublished, description='unpublished: unpublished\nopen: open\nclosed: closed', enum_type=VoteState, max_length=12)),
                ('denominator', fields.CharEnumField(default=DenominatorBasis.expected, description='expected: expected\npresent: present', enum_type=DenominatorBasis, max_length=10)),
                ('expected_voters', fields.IntField(null=True)),
                ('present_voters', fields.IntField(null=True)),
                ('ballots_cast', fields.IntField(default=0, db_default=0)),
                ('result', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'meeting_votes', 'app': 'meetings', 'indexes': [Index(fields=['meeting_id', 'state'])], 'pk_attr': 'id', 'table_description': 'A question put to the meeting: unpublished -> open -> closed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('meetings.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('voter', fields.ForeignKeyField('forum.Member', source_field='voter_id', db_constraint=True, to_field='id', related_name='meeting_ballots', on_delete=OnDelete.RESTRICT)),
                ('choice', fields.CharField(default='', max_length=12)),
                ('selected', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('cast_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_ballots', 'app': 'meetings', 'unique_together': (('vote_id', 'voter_id'),), 'pk_attr': 'id', 'table_description': 'Who voted (one ballot per voter, enforced by the database).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VoteCandidate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('meetings.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='candidates', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='meeting_candidacies', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'meeting_vote_candidates', 'app': 'meetings', 'unique_together': (('vote_id', 'member_id'),), 'pk_attr': 'id', 'table_description': 'A candidate of an election question.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VoteTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('meetings.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='tallies', on_delete=OnDelete.CASCADE)),
                ('option', fields.CharField(max_length=24)),
                ('count', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'meeting_vote_tallies', 'app': 'meetings', 'unique_together': (('vote_id', 'option'),), 'pk_attr': 'id', 'table_description': 'Counts per option ("yes"/"no"/"abstain") or per candidate ("c:<member id>").'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WrittenOpinion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('meetings.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='written_opinions', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='meeting_written_opinions', on_delete=OnDelete.RESTRICT)),
                ('choice', fields.CharEnumField(description='yes: yes\nno: no\nabstain: abstain', enum_type=Choice, max_length=8)),
                ('note', fields.CharField(default='', max_length=500)),
                ('entered_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_written_opinions', 'app': 'meetings', 'unique_together': (('vote_id', 'member_id'),), 'pk_attr': 'id', 'table_description': '书面意见 of an absent voter on an admission or conversion question.'},
            bases=['Model'],
        ),
    ]
