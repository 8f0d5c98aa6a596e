"""Fixtures for e2e tests: a migrated PostgreSQL database and real uvicorn servers.

- `e2e_database_url` (module): a fresh PostgreSQL database, migrated with
  `python -m forum.cli migrate` (cloned from a template migrated once per process, see
  `clone_database_url`), dropped after the module's tests.
- `e2e_env` (module): a server environment on that database and the shared Redis
  (127.0.0.1:6390) with a unique `FORUM_REDIS_PREFIX`.
- `server_pair` (module): two single-worker uvicorn processes on that database and Redis
  (two "workers" with deterministic routing: `server_pair[0]`, `server_pair[1]`); the first
  one runs with `--ws-max-size 65536` like `forum serve`, the second with uvicorn's default.
- `private_redis` (function): a redis-server of the test's own (free port), stopped after.
- `e2e_demo_env` (module): like `e2e_env`, on its own database seeded by `forum demo`
  (log in as `secretary`, `full_member`, ... with `DEMO_PASSWORD`).

Write part-specific fixtures (demo data, users) on top, e.g. `run_cli(e2e_env, "demo")`.
Run e2e tests in their own pytest process: `python -m pytest -q -p no:playwright tests/e2e`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.servers import (
    RedisServer,
    UvicornServer,
    clone_database_url,
    drop_database,
    running,
    server_env,
)


@pytest.fixture(scope="module")
def e2e_database_url() -> Iterator[str]:
    url = clone_database_url("migrate")
    yield url
    drop_database(url)


@pytest.fixture(scope="module")
def e2e_env(e2e_database_url: str) -> dict[str, str]:
    return server_env(e2e_database_url)


@pytest.fixture(scope="module")
def server_pair(e2e_env: dict[str, str]) -> Iterator[tuple[UvicornServer, UvicornServer]]:
    with running(UvicornServer(e2e_env), UvicornServer(e2e_env, ws_max_size=None)) as (a, b):
        yield a, b


@pytest.fixture(scope="module")
def e2e_demo_env() -> Iterator[dict[str, str]]:
    url = clone_database_url("migrate", "demo")
    env = server_env(url)
    yield env
    drop_database(url)


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    redis = RedisServer().start()
    try:
        yield redis
    finally:
        redis.stop()
