"""Seed a branch for the meeting e2e tests into the server's database, print ids as JSON.

Run as `python -m tests.e2e.meetings_seed` with the server's environment (FORUM_*). Accounts
log in with DEMO_PASSWORD: `sec` (the secretary, a voter), `v1`..`v{n-1}` (full members),
`prob` (probationary), `out` (a member of the sibling branch).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import sys

from tortoise import Tortoise

from forum.site import orm_config as tortoise_config


async def main(prefix: str, voters: int) -> dict[str, object]:
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        from tests import factories
        from tests.factories import make_member, make_person, make_tree, make_user

        # Each seeding process starts the factories' counter elsewhere (ID numbers are unique).
        factories._seq = itertools.count(secrets.randbelow(7_000_000) + 1)

        tree = await make_tree()
        await make_person(tree.branch_a, "full", username=f"{prefix}sec", role="secretary")
        for n in range(1, voters):
            await make_person(tree.branch_a, "full", username=f"{prefix}v{n}")
        await make_person(tree.branch_a, "probationary", username=f"{prefix}prob")
        await make_person(tree.branch_b, "full", username=f"{prefix}out")
        target = await make_member(tree.branch_a, "development_target", user=await make_user())
        return {"branch_id": tree.branch_a.id, "target_member_id": target.id}
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], int(sys.argv[2])))))
