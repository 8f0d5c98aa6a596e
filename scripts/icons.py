"""Build static/icons/sprite.svg from the Lucide SVGs copied into static/icons/.

Usage: python scripts/icons.py [--check]. The icons come from the `lucide-static` npm
package (ISC, static/icons/LICENSE): copy a new icon's `icons/<name>.svg` from it into
static/icons/ and run this script; `{{ icon("<name>") }}` then shows it. --check exits 1
when the sprite is out of date (tests/unit/test_icons.py runs it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
SPRITE = ICONS / "sprite.svg"


def build() -> str:
    symbols = []
    for path in sorted(ICONS.glob("*.svg")):
        if path == SPRITE:
            continue
        body = path.read_text()
        inner = re.search(r"<svg[^>]*>(.*)</svg>", body, re.S)
        if inner is None:
            raise SystemExit(f"{path.name}: no <svg> element")
        shapes = " ".join(line.strip() for line in inner.group(1).splitlines() if line.strip())
        symbols.append(f'<symbol id="{path.stem}" viewBox="0 0 24 24">{shapes}</symbol>')
    return (
        "<!-- Lucide icons (lucide-static, ISC: see LICENSE); built by scripts/icons.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">\n'
        + "\n".join(symbols)
        + "\n</svg>\n"
    )


def main() -> int:
    sprite = build()
    if "--check" in sys.argv:
        return 0 if SPRITE.exists() and SPRITE.read_text() == sprite else 1
    SPRITE.write_text(sprite)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
