from tortoise import migrations
from tortoise.migrations import operations as ops
from realtime.meetings.votes import VoteKind
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0005_member_status_public'), ('meetings', '0003_minutes_search')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Vote',
            name='kind',
            field=fields.CharEnumField(description='motion: motion\nadmission: admission\nconversion: conversion\nextension: extension\ncancellation: cancellation\nelection: election', enum_type=VoteKind, max_length=12),
        ),
        ops.AddIndex(
            model_name='Vote',
            index=Index(fields=['candidate_id', 'state']),
        ),
    ]
