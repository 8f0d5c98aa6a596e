from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.members.models import StatusDecisionKind, StatusDecisionState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('directory', '0004_floating_inflows'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StatusDecision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='status_decisions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='admission: admission\nconversion: conversion\nextension: extension\ncancellation: cancellation', enum_type=StatusDecisionKind, max_length=16)),
                ('vote_id', fields.IntField(unique=True)),
                ('voted_on', fields.DateField()),
                ('months', fields.SmallIntField(null=True)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('committee', fields.ForeignKeyField('forum.Org', source_field='committee_id', db_constraint=True, to_field='id', related_name='status_decisions_due', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=StatusDecisionState.pending, description='pending: pending\napproved: approved\nrejected: rejected', enum_type=StatusDecisionState, max_length=12)),
                ('requested_by', fields.ForeignKeyField('forum.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='status_decisions_requested', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('forum.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='status_decisions_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_on', fields.DateField(null=True)),
                ('late', fields.BooleanField(default=False)),
                ('decision_note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_status_decisions', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'state']), Index(fields=['committee_id', 'state'])], 'pk_attr': 'id', 'table_description': "A plenary's decision on a member's status, waiting for the superior committee."},
            bases=['Model'],
        ),
    ]
