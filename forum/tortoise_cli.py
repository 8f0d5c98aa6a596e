"""Entry point of the `tortoise` CLI (`[tool.tortoise]` in pyproject.toml), which reads a
module attribute: importing this module installs the parts, as `forum.asgi` builds the app."""

from __future__ import annotations

from forum import site

TORTOISE_ORM = site.orm_config()
