"""Database lifecycle: migrations (the only way the schema changes) and health checks."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate as migrate_api
from tortoise.migrations.executor import MigrationExecutor

from forum.parts import Registry
from forum.settings import get_settings

T = TypeVar("T")


@dataclass(frozen=True)
class Models:
    """A Tortoise app: its label (kept stable so migrations never churn), model modules and
    migrations package. Declarations that share a label are merged (their modules joined):
    the kernel's audit log lives in the `moderation` app, its event log in `realtime`."""

    label: str
    modules: tuple[str, ...]
    migrations: str

    def install(self) -> None:
        known = APPS.get(self.label)
        if known is not None and known.migrations != self.migrations:
            raise RuntimeError(f"app {self.label}: two migration packages")
        modules = tuple(dict.fromkeys((*(known.modules if known else ()), *self.modules)))
        APPS.add(self.label, Models(self.label, modules, self.migrations))


APPS: Registry[Models] = Registry("Tortoise apps")


def _connection(url: str) -> str | dict[str, Any]:
    """The `default` connection: a URL, or for PostgreSQL the expanded form with a connection
    class that sends no reset query when the pool takes a connection back (see below)."""
    if not url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return url
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(url)
    config["credentials"]["connection_class"] = _quiet_connection_class()
    return config


def _quiet_connection_class() -> type:
    """asyncpg's pool runs `Connection.reset()` on every release, and Tortoise acquires and
    releases the pool once per statement outside a transaction: each statement was followed
    by a second round trip (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`). That query undoes session state; this code keeps none: no session-level advisory
    locks, no LISTEN (Redis carries events), no cursors outside transactions, no session
    `SET` (grep the packages for them before adding one). An open transaction is still
    rolled back on release (asyncpg's `_reset`, which needs no round trip otherwise)."""
    import asyncpg

    class QuietConnection(asyncpg.Connection):  # type: ignore[misc]
        def get_reset_query(self) -> str:
            return ""

    return QuietConnection


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    """The Tortoise configuration of every installed app (`forum.site.install()` first)."""
    if not len(APPS):
        raise RuntimeError("no models installed: call forum.site.install() first")
    return {
        "connections": {"default": _connection(database_url or get_settings().database_url)},
        "apps": {
            app.label: {
                "models": list(app.modules),
                "default_connection": "default",
                "migrations": app.migrations,
            }
            for app in APPS
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def with_db(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` with the database open (CLI commands, scripts)."""
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


def _prepare_sqlite(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://").split("?", 1)[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def migrate(
    database_url: str | None = None, *, progress: Callable[[str], Any] | None = None
) -> list[str]:
    """Apply every pending migration of every app; return the names applied."""
    config = tortoise_config(database_url)
    _prepare_sqlite(database_url or get_settings().database_url)
    applied: list[str] = []

    def on_progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")
            if progress is not None:
                progress(f"  已应用迁移 {app_label}.{name}")

    url = database_url or get_settings().database_url
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        await _create_postgres_database_if_missing(url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await migrate_api(config=config, progress=on_progress)
    return applied


async def _create_postgres_database_if_missing(url: str) -> None:
    """`forum migrate` on a fresh server creates the database, then applies everything."""
    import asyncpg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        return
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    try:
        conn = await asyncpg.connect(admin_url)
    except (OSError, asyncpg.PostgresError):
        return  # no access to the maintenance DB: the target must exist already
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            quoted = '"' + name.replace('"', '""') + '"'
            await conn.execute(f"CREATE DATABASE {quoted}")
    finally:
        await conn.close()


async def pending_migrations() -> list[str]:
    """Names of migrations not yet applied (requires an initialised Tortoise)."""
    config = tortoise_config()
    executor = MigrationExecutor(get_connection("default"), config["apps"])
    plan = await executor.plan(None)
    return [
        f"{step.migration.app_label}.{step.migration.name}" for step in plan if not step.backward
    ]


async def database_ok(timeout: float = 2.0) -> bool:
    try:
        conn = get_connection("default")
        await asyncio.wait_for(conn.execute_query("SELECT 1"), timeout)
    except Exception:
        return False
    return True


async def close() -> None:
    await Tortoise.close_connections()


def database_label() -> str:
    url = get_settings().database_url
    if url.startswith("sqlite"):
        return "sqlite"
    return url.split("://", 1)[0]


async def migration_drift() -> list[str]:
    """Apps whose models differ from their migrations (CI fails on any)."""
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        if ctx.apps is None:  # pragma: no cover - init always loads apps
            raise RuntimeError("Tortoise apps are not loaded")
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    return [f"{w.app_label}: {w.name}" for w in writers]


def is_postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


def placeholders(query: str) -> str:
    """Hand-written statements use `?` (SQLite); asyncpg wants `$1, $2, ...`."""
    if not is_postgres():
        return query
    parts = query.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]


async def raw(query: str, params: list[Any]) -> list[dict[str, Any]]:
    """Rows of a hand-written statement (constant SQL, values only as parameters) as dicts,
    for hot read paths where building ORM objects costs more than the query."""
    rows = await get_connection("default").execute_query_dict(placeholders(query), params)
    return [dict(row) for row in rows]
