"""Policy predicates for disclosures (filled in by its issue)."""

from __future__ import annotations

__all__: list[str] = []
