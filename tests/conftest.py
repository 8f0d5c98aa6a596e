"""Test environment: settings from the environment first, then one migrated DB per session.

`TEST_DB=sqlite` (default) or `TEST_DB=postgres` chooses the backend for the whole pytest
process (Tortoise caches SQL per connection name, so backends never share a process).
The schema comes from the real migrations, exactly as `forum migrate` builds it.
"""

from __future__ import annotations

import base64
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from typing import Any

# Settings are read once; set every test value before anything imports `forum`.
_TMP = tempfile.mkdtemp(prefix="grassroots-test-")
BACKEND = os.environ.get("TEST_DB", "sqlite")
PG_DSN = os.environ.get("TEST_PG_DSN", "postgres://postgres@127.0.0.1:55432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6390/0")
if BACKEND == "sqlite":
    DATABASE_URL = f"sqlite://{_TMP}/test.sqlite3"
elif BACKEND == "postgres":
    DATABASE_URL = f"{PG_DSN}/test_{uuid.uuid4().hex[:12]}"
else:  # pragma: no cover - misconfiguration
    raise RuntimeError(f"TEST_DB must be sqlite or postgres, not {BACKEND!r}")

os.environ.update(
    {
        "FORUM_ENV": "test",
        "FORUM_DATA_DIR": _TMP,
        "FORUM_DATABASE_URL": DATABASE_URL,
        "FORUM_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "FORUM_ID_NUMBER_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
        "FORUM_PASSWORD_PROFILE": "fast",
        "FORUM_ALLOWED_ORIGINS": "http://testserver,http://127.0.0.1",
        "FORUM_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        # Suites that send hundreds of writes from one test IP; the per-IP limit itself is
        # tested with a low limit in tests/integration/test_moderation_ratelimits.py.
        "FORUM_IP_WRITE_LIMIT": "1000000",
        # New-member safety and posting cooldowns off by default, so suites that post as fresh
        # accounts are not premoderated or throttled; the moderation tests switch them on
        # (`strict_moderation` in tests/moderation_helpers.py).
        "FORUM_NEW_ACCOUNT_DAYS": "0",
        "FORUM_NEW_ACCOUNT_MIN_POSTS": "0",
        "FORUM_POST_COOLDOWN_SECONDS": "0",
        "FORUM_NEW_ACCOUNT_POST_COOLDOWN_SECONDS": "0",
    }
)
os.environ.pop("FORUM_REDIS_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.context import TortoiseContext  # noqa: E402
from tortoise.contrib.test import truncate_all_models  # noqa: E402

from forum import db, site  # noqa: E402
from forum.broker import MemoryBroker  # noqa: E402
from forum.policy import ANONYMOUS, Viewer  # noqa: E402
from forum.ratelimit import MemoryCounter  # noqa: E402
from forum.services import Services, set_services  # noqa: E402
from forum.site import orm_config as tortoise_config  # noqa: E402
from tests.capture import PublishedEvents  # noqa: E402
from tests.factories import Tree, make_person, make_tree, viewer_of  # noqa: E402
from tests.helpers import Client  # noqa: E402

# The composition root installs every part, as the app and the CLI do at start.
site.install()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db_session() -> AsyncIterator[TortoiseContext]:
    await db.migrate(DATABASE_URL)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(DATABASE_URL), _enable_global_fallback=True)
        yield ctx
        if BACKEND == "postgres":
            await Tortoise._drop_databases()


@pytest_asyncio.fixture(loop_scope="session")
async def database(
    db_session: TortoiseContext, request: pytest.FixtureRequest
) -> AsyncIterator[TortoiseContext]:
    yield db_session
    await _truncate_with_audit_guard_lifted()
    if BACKEND == "sqlite":
        _assert_sqlite_locks_held(request.node.nodeid)


def _sqlite_shm_inodes() -> set[int]:
    """Inodes of the session database's shared-memory (WAL index) files open here."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.removesuffix(" (deleted)").endswith("test.sqlite3-shm"):
                inodes.add(os.fstat(int(fd)).st_ino)
        except OSError:
            continue
    return inodes


def _assert_sqlite_locks_held(test: str) -> None:
    """SQLite's locks are POSIX locks, which a process drops on closing ANY descriptor of the
    file. A test that opens and closes the database file itself (`read_bytes()`, a second
    `sqlite3.connect`) silently unlocks the session connection; the next CLI subprocess then
    believes it is alone, checkpoints and deletes the WAL, and everything written afterwards is
    invisible to other processes. Fail the test that did it, not a later one."""
    inodes = _sqlite_shm_inodes()
    if not inodes or not os.path.exists("/proc/locks"):
        return
    pid = str(os.getpid())
    with open("/proc/locks", encoding="ascii") as locks:
        for line in locks:
            fields = line.split()
            if "->" in fields:  # a waiter's line
                continue
            if fields[4] == pid and int(fields[5].rsplit(":", 1)[1]) in inodes:
                return
    raise AssertionError(
        f"{test} left the session's SQLite connection without its locks: it opened and closed"
        " the database file in this process (read it from a subprocess instead)"
    )


async def _truncate_with_audit_guard_lifted() -> None:
    """Empty every table between tests. `audit_entries` is append-only through database
    triggers (moderation migration 0003), so the test harness, and only it, lifts them
    around the cleanup: on PostgreSQL through the replica session role, on SQLite by
    dropping and re-creating them from their stored definitions."""
    conn = Tortoise.get_connection("default")
    if BACKEND == "postgres":
        # DELETE is much cheaper than TRUNCATE on the mostly empty tables of one test; the
        # replica role skips foreign-key and user triggers (audit guard included) for this
        # session only, so order does not matter.
        tables = [m._meta.db_table for m in Tortoise.apps.get_models_iterable()]
        deletes = " ".join(f'DELETE FROM "{table}";' for table in tables)  # noqa: S608 - model names
        await conn.execute_script(
            f"SET session_replication_role = replica; {deletes} SET session_replication_role = origin;"
        )
        return
    _, rows = await conn.execute_query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
    )
    for row in rows:
        await conn.execute_script(f'DROP TRIGGER "{row["name"]}"')
    try:
        await truncate_all_models()
    finally:
        for row in rows:
            await conn.execute_script(row["sql"] + ";")


@pytest.fixture
def services() -> Services:
    """Fresh in-process broker and counters for each test (no state leaks between tests)."""
    svc = Services(broker=MemoryBroker(), counter=MemoryCounter())
    set_services(svc)
    return svc


@pytest.fixture
def published_events(services: Services, monkeypatch: pytest.MonkeyPatch) -> PublishedEvents:
    """Every message `forum.publisher` sends through this test's broker (still delivered)."""
    events = PublishedEvents()
    send = services.broker.publish

    async def publish(channel: str, message: dict[str, Any]) -> bool:
        events.record(channel, message)
        return await send(channel, message)

    monkeypatch.setattr(services.broker, "publish", publish)
    return events


@pytest_asyncio.fixture(loop_scope="session")
async def app(database: TortoiseContext, services: Services):  # type: ignore[no-untyped-def]
    from forum.app import create_app

    return create_app(with_lifespan=False)


@pytest_asyncio.fixture(loop_scope="session")
async def client(app) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    async with Client(app) as c:
        yield c


@pytest_asyncio.fixture(loop_scope="session")
async def other_client(app) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    async with Client(app) as c:
        yield c


# Role fixtures (Misago style), one per demo role (forum/demo.py DEMO_ACCOUNTS), all in one
# small org tree: the member and the secretary in `tree.branch_a`, the organization admin on
# `tree.committee`, the moderator and the site admin site-wide. Each is the viewer as built
# for a request; `viewer.username` logs a `Client` in (the demo password).
@pytest_asyncio.fixture(loop_scope="session")
async def tree(database: TortoiseContext) -> Tree:
    return await make_tree()


@pytest_asyncio.fixture(loop_scope="session")
async def member(tree: Tree) -> Viewer:
    """正式党员 of the first branch (demo `full_member`)."""
    return await viewer_of(await make_person(tree.branch_a))


@pytest_asyncio.fixture(loop_scope="session")
async def branch_secretary(tree: Tree) -> Viewer:
    """第一党支部书记 (demo `secretary`): a full member holding `secretary` on the branch."""
    return await viewer_of(await make_person(tree.branch_a, role="secretary"))


@pytest_asyncio.fixture(loop_scope="session")
async def org_admin(tree: Tree) -> Viewer:
    """党委组织管理员 (demo `committee_admin`): `org_admin` on the committee, a member there."""
    return await viewer_of(await make_person(tree.committee, role="org_admin"))


@pytest_asyncio.fixture(loop_scope="session")
async def moderator(database: TortoiseContext) -> Viewer:
    """全站版主 (demo `moderator`): the site-wide `moderator` role, no member record."""
    return await viewer_of(await make_person(None, None, role="moderator"))


@pytest_asyncio.fixture(loop_scope="session")
async def site_admin(database: TortoiseContext) -> Viewer:
    """站点管理员 (demo `admin`)."""
    return await viewer_of(await make_person(None, None, role="site_admin"))


@pytest_asyncio.fixture(loop_scope="session")
async def visitor(database: TortoiseContext) -> Viewer:
    """群众 (demo `visitor`): a signed-in account with no member record and no role."""
    return await viewer_of(await make_person(None, None))


@pytest.fixture
def anonymous() -> Viewer:
    """Nobody signed in."""
    return ANONYMOUS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every async test shares the session loop (the DB context lives on it).
    for item in items:
        if item.get_closest_marker("asyncio") is None and "async" in str(getattr(item, "obj", "")):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The sweeps' figures (tests/figures.py), printed whole at the end of the run."""
    from tests.figures import FIGURES

    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


__all__ = ["BACKEND", "DATABASE_URL", "REDIS_URL", "httpx"]
