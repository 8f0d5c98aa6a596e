"""What `forum demo` hands to each part's seeder: the tree, the demo accounts, a seeded RNG."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from forum.models import Member, Org, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo, by design


@dataclass
class DemoContext:
    rng: random.Random
    committee: Org
    general_branches: list[Org]
    branches: list[Org]
    groups: list[Org]
    # Demo logins by key ("secretary", "full_member", ...), printed by `forum demo`.
    users: dict[str, User] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    password: str = DEMO_PASSWORD
