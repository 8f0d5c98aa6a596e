from tortoise import migrations
from tortoise.migrations import operations as ops
from realtime.meetings.votes import VoteKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox'), ('forum', '0007_member_id_number_not_unique'), ('meetings', '0004_probation_vote_kinds')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Vote',
            name='kind',
            field=fields.CharEnumField(description='motion: motion\nadmission: admission\nconversion: conversion\nextension: extension\ncancellation: cancellation\nexclusion: exclusion\nelection: election', enum_type=VoteKind, max_length=12),
        ),
    ]
