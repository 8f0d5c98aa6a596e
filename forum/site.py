"""The composition root: the one module that names every part.

`parts()` lists them in order (their routes are mounted, and their demo data seeded, in this
order). `install()` puts every part's models and provisions into the registries of the kernel
and the services; the web app (`forum.app`), the CLI (`forum.cli`), the demo (`forum.demo`),
the `tortoise` CLI (`TORTOISE_ORM`) and the tests call it before anything else. Adding a part
means writing its `part.py` and adding one line here.
"""

from __future__ import annotations

from typing import Any

from forum import kernel
from forum.accounts import part as accounts
from forum.affairs import part as affairs
from forum.boards import part as boards
from forum.db import tortoise_config
from forum.learning import part as learning
from forum.members import part as members
from forum.notices import part as notices
from forum.orgs import part as orgs
from forum.parts import Part
from forum.reviews import part as reviews
from forum.tasks import part as tasks
from moderation import part as moderation
from realtime import part as realtime
from realtime.meetings import part as meetings
from transparency import part as disclosures


def parts() -> tuple[Part, ...]:
    return (
        kernel.PART,
        accounts.PART,
        orgs.PART,
        boards.PART,
        members.PART,
        realtime.part(),
        meetings.PART,
        disclosures.PART,
        tasks.PART,
        reviews.PART,
        notices.PART,
        affairs.PART,
        learning.PART,
        moderation.PART,
    )


def install() -> tuple[Part, ...]:
    """Install every part's models and provisions (idempotent); return the parts."""
    installed = parts()
    for part in installed:
        for models in part.models:
            models.install()
        for provision in part.provides:
            provision.install()
    return installed


def orm_config(database_url: str | None = None) -> dict[str, Any]:
    """The Tortoise configuration of every part's models."""
    install()
    return tortoise_config(database_url)
