"""`forum collectstatic`: a readable copy of every static file, wherever the code lives."""

from __future__ import annotations

import stat
from pathlib import Path

from forum.cli import main
from forum.staticfiles import STATIC_DIR, collect, unreadable_ancestors


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_collect_copies_every_file_with_readable_modes(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "app.css").write_text("body{}")
    (source / "js.js").write_text("1")
    for path in (source, source / "css", source / "css" / "app.css", source / "js.js"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    target = tmp_path / "out"
    copied = collect(target, source)
    assert sorted(p.relative_to(target).as_posix() for p in copied) == ["css/app.css", "js.js"]
    assert (target / "css" / "app.css").read_text() == "body{}"
    assert _mode(target) == _mode(target / "css") == 0o755
    assert _mode(target / "css" / "app.css") == _mode(target / "js.js") == 0o644


def test_collect_overwrites_and_keeps_other_files(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "out"
    source.mkdir()
    (source / "a.css").write_text("new")
    target.mkdir()
    (target / "a.css").write_text("old")
    (target / "old-only.css").write_text("kept")
    collect(target, source)
    assert (target / "a.css").read_text() == "new"
    assert (target / "old-only.css").read_text() == "kept"


def test_unreadable_ancestors_names_the_closed_folder(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    (closed / "inner").mkdir(parents=True)
    closed.chmod(0o700)
    try:
        assert closed in unreadable_ancestors(closed / "inner" / "static")
    finally:
        closed.chmod(0o755)
    assert closed not in unreadable_ancestors(closed / "inner" / "static")


def test_collectstatic_command_copies_the_app_static_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["collectstatic", str(tmp_path / "static")]) == 0
    expected = {p.relative_to(STATIC_DIR) for p in STATIC_DIR.rglob("*") if p.is_file()}
    got = {p.relative_to(tmp_path / "static") for p in (tmp_path / "static").rglob("*")}
    assert expected and expected <= got
    assert (tmp_path / "static" / "css" / "app.css").read_bytes() == (
        STATIC_DIR / "css" / "app.css"
    ).read_bytes()
    assert "个静态文件" in capsys.readouterr().out
