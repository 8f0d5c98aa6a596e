"""Figures the security sweeps report (vectors x surfaces, strings x fields, requests, cases).

Tests call `report(...)`; the root conftest prints every line in a "figures" section of
pytest's terminal summary, so each lane's log in CI shows them without `-s`.
"""

from __future__ import annotations

FIGURES: list[str] = []


def report(line: str) -> None:
    FIGURES.append(line)
