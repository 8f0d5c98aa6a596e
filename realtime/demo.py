"""Demo data for this part (filled in by its issue)."""

from __future__ import annotations

from forum.seeding import DemoContext


async def seed(ctx: DemoContext) -> None:
    from realtime.meetings.demo import seed as seed_meetings

    await seed_meetings(ctx)
