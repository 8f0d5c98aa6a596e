"""The house plan's guards that import-linter cannot express (docs/architecture.md).

- Every module belongs to a layer of the import-linter contract, so a new kernel module
  cannot slip past the layers by being unlisted.
- Importing every module registers nothing: the registries fill only when the composition
  root installs the parts (checked in a fresh interpreter, so this process's own
  `site.install()` does not hide a side effect).
- The composition root is the only module that names every part.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("forum", "realtime", "moderation", "transparency")
PARTS = ("forum.accounts", "forum.orgs", "forum.boards", "forum.members", "forum.reviews",
         "forum.tasks", "forum.notices", "forum.affairs", "forum.learning", "realtime.meetings",
         "transparency")  # fmt: skip


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [[m.strip() for m in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


def _modules() -> list[str]:
    found = []
    for package in PACKAGES:
        found.append(package)
        found += [i.name for i in pkgutil.walk_packages([str(ROOT / package)], f"{package}.")]
    return [m for m in found if ".migrations." not in m]


def _covered(module: str, listed: list[str]) -> bool:
    return any(module == m or module.startswith(f"{m}.") for m in listed)


def test_every_module_belongs_to_a_layer() -> None:
    listed = [m for layer in _layers() for m in layer]
    roots = set(PACKAGES) - {"transparency"}  # namespace roots, not code of a layer
    missing = [m for m in _modules() if m not in roots and not _covered(m, listed)]
    assert missing == [], f"add these modules to a layer in pyproject.toml: {missing}"


def test_the_layers_name_every_part_in_the_parts_layer() -> None:
    assert sorted(_layers()[1]) == sorted(PARTS)


def test_importing_every_module_registers_nothing() -> None:
    script = f"""
import importlib, pkgutil, sys
sys.path.insert(0, {str(ROOT)!r})
for package in {PACKAGES!r}:
    importlib.import_module(package)
    for info in pkgutil.walk_packages(sys.modules[package].__path__, prefix=package + "."):
        if ".migrations" not in info.name and not info.name.endswith(("tortoise_cli", "asgi", "testing")):
            importlib.import_module(info.name)
from forum import audit, db, decisions, events, home, identity, manage, pagecache, rebake, todo, viewer
from forum.search import providers as search
from forum.security import bodylimit
from moderation import newmembers, registry, review
from realtime import channels
registries = [db.APPS, *home.SECTIONS.values(), identity.LOGIN_GUARDS, identity.NAME_CHECKS,
              identity.NAME_SAVED, manage.LINKS, viewer.FACTS, bodylimit.LIMITS,
              newmembers.COUNTERS, registry.TARGETS, review.RELEASES,
              channels.KINDS, events.TYPES, audit.LABELS, audit.NAMES, rebake.TARGETS, search.SOURCES,
              decisions.SOURCES, pagecache.PAGES, todo.SOURCES]
filled = [(r.what, r.keys()) for r in registries if len(r)]
print(filled)
sys.exit(1 if filled else 0)
"""
    env = {"FORUM_ENV": "test", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_installing_fills_every_registry() -> None:
    from forum import db, events, home, identity, manage, pagecache, rebake, site, viewer
    from forum.security import bodylimit
    from moderation import newmembers, registry, review
    from realtime import channels

    site.install()
    assert {"forum", "boards", "directory", "meetings", "moderation", "realtime",
            "transparency"} <= set(db.APPS.keys())  # fmt: skip
    assert "forum.auditlog" in db.APPS.get("moderation").modules  # type: ignore[union-attr]
    for registry_ in (home.SECTIONS["home"], home.SECTIONS["me"], identity.LOGIN_GUARDS,
                      identity.NAME_CHECKS, identity.NAME_SAVED, manage.LINKS, viewer.FACTS,
                      bodylimit.LIMITS, newmembers.COUNTERS,
                      registry.TARGETS, review.RELEASES, channels.KINDS,
                      events.TYPES, rebake.TARGETS, pagecache.PAGES):  # fmt: skip
        assert len(registry_), registry_.what
    from forum.search import providers as search

    assert sorted(search.SOURCES.keys()) == ["disclosures", "forum", "learning", "minutes"]
    from forum import decisions

    assert decisions.SOURCES.keys() == ["meetings"]
    assert {"post", "topic", "meeting_message", "disclosure_feedback", "display_name"} <= set(
        registry.TARGETS.keys()
    )
    assert {"topic", "meeting"} <= set(channels.KINDS.keys())
    # Every table with rendered Markdown (a `render_version` column) is rebaked.
    assert _rendered_models() == {t.model for t in rebake.TARGETS}
    assert {"post.created", "post.hidden", "message.posted", "message.removed"} <= set(
        events.TYPES.keys()
    )


def _rendered_models() -> set[type]:
    import importlib
    import inspect

    from tortoise.models import Model

    from forum import db

    found: set[type] = set()
    for app in db.APPS:
        for name in app.modules:
            for obj in vars(importlib.import_module(name)).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, Model)
                    and obj.__module__ == name
                    and "render_version" in obj._meta.fields_map
                ):
                    found.add(obj)
    return found


def test_only_the_composition_root_names_every_part() -> None:
    naming = []
    for path in [*ROOT.glob("forum/**/*.py"), *ROOT.glob("realtime/**/*.py"),
                 *ROOT.glob("moderation/**/*.py"), *ROOT.glob("transparency/**/*.py")]:  # fmt: skip
        text = path.read_text(encoding="utf-8")
        if all(f"{part} import" in text or f"import {part}" in text for part in PARTS):
            naming.append(str(path.relative_to(ROOT)))
    assert naming == ["forum/site.py"]
