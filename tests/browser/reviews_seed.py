"""A small branch for the browser's 民主评议 walk: a new 党支部 under the demo committee with
its secretary and three full members (demo password), written through the test factories.

Run as `python -m tests.browser.reviews_seed` with the live server's environment; prints the
usernames as JSON."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any


async def main() -> dict[str, Any]:
    from tortoise import Tortoise

    from forum.models import Org
    from forum.orgs.actions import do_create_org
    from forum.site import orm_config
    from tests.factories import make_person

    await Tortoise.init(config=orm_config(), _enable_global_fallback=True)
    try:
        committee = await Org.filter(kind="committee").order_by("id").first()
        assert committee is not None
        tag = uuid.uuid4().hex[:6]
        branch = await do_create_org(committee, f"评议示范支部{tag}", "branch")
        secretary = await make_person(branch, "full", username=f"rs_{tag}", role="secretary")
        members = [await make_person(branch, "full", username=f"rm{i}_{tag}") for i in (1, 2, 3)]
        return {
            "branch": branch.id,
            "branch_name": branch.name,
            "secretary": secretary.username,
            "members": [m.username for m in members],
        }
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
