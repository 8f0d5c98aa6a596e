"""The one permission policy: every "can X do Y" decision lives in this package.

`core` holds the Viewer and the organization/membership rules; each domain adds its
predicates in its own submodule, re-exported here so callers import from `forum.policy` only.
Predicates are synchronous and pure: they never query and never await.
"""

from forum.policy.affairs import *  # noqa: F403
from forum.policy.boards import *  # noqa: F403
from forum.policy.core import *  # noqa: F403
from forum.policy.decision import *  # noqa: F403
from forum.policy.development import *  # noqa: F403
from forum.policy.directory import *  # noqa: F403
from forum.policy.discipline import *  # noqa: F403
from forum.policy.disclosures import *  # noqa: F403
from forum.policy.learning import *  # noqa: F403
from forum.policy.meetings import *  # noqa: F403
from forum.policy.moderation import *  # noqa: F403
from forum.policy.nav import *  # noqa: F403
from forum.policy.notices import *  # noqa: F403
from forum.policy.people import *  # noqa: F403
from forum.policy.reviews import *  # noqa: F403
from forum.policy.steering import *  # noqa: F403
from forum.policy.tasks import *  # noqa: F403
from forum.policy.transfers import *  # noqa: F403
