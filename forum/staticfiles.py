"""Where the static files live, and `forum collectstatic`: a copy for the web server.

An installed wheel carries them as `forum/static/` (setup.py maps the checkout's top-level
`static/` folder there); an editable install or a checkout uses `static/` itself. A deployment
never serves either directly: nginx's workers run as an unprivileged user that must be able to
read every directory above the files, which a checkout or a virtualenv need not allow (a clone
under `mktemp -d` is 0700). `collect` copies the files to a folder of the deployment's own, with
modes anyone can read.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "static"
STATIC_DIR = _PACKAGED if _PACKAGED.is_dir() else _PACKAGED.parent.parent / "static"

FILE_MODE = 0o644
DIR_MODE = 0o755


def collect(target: Path, source: Path = STATIC_DIR) -> list[Path]:
    """Copy every static file below `target` (files 0644, folders 0755); returns the copies.

    Files already there are overwritten, others are left alone: a page cached with an old
    `?v=` hash keeps working while the new version rolls out."""
    copied: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(DIR_MODE)
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(exist_ok=True)
            dest.chmod(DIR_MODE)
        elif path.is_file():
            shutil.copyfile(path, dest)
            dest.chmod(FILE_MODE)
            copied.append(dest)
    return copied


def unreadable_ancestors(target: Path) -> list[Path]:
    """Ancestors of `target` that other users cannot enter (no `o+x`): a web server running
    as another user gets 403 for every file below them."""
    return [
        parent
        for parent in target.resolve().parents
        if parent.exists() and not parent.stat().st_mode & stat.S_IXOTH
    ]
