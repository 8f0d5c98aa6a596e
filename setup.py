"""Packaging beyond what pyproject.toml can say: the top-level `static/` folder ships inside
the wheel as `forum/static/`, so a regular (non-editable) install carries the stylesheets and
scripts."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["forum*", "realtime*", "moderation*", "transparency*"]),
        "forum.static",
    ],
    package_dir={"forum.static": "static"},
)
