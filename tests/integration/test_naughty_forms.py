"""The Big List of Naughty Strings through every text field of every HTML form.

The forms are listed per part in tests/naughty_forms/. The inventory test reads every
template, finds each form's free-input fields (text, textarea, search, password, number,
date and time inputs) and fails when one is neither listed there nor named in
COVERED_ELSEWHERE, so a new field cannot slip past the sweep. The rules (round trip or clear
refusal, nothing half-written) are in tests/naughty.py.
"""

from __future__ import annotations

import collections
import re
import time
from pathlib import Path
from typing import Any

import pytest

from forum.members.fields import MILESTONES, TEXT_FIELDS
from tests.figures import report
from tests.naughty import (
    STRINGS,
    World,
    build_world,
    correctable_by_publisher,
    normalisations,
    prepare,
    refused_clearly,
    strings_for,
    write_fingerprint,
)
from tests.naughty_forms import ALL_FIELDS, PARTS

ROOT = Path(__file__).resolve().parents[2]
FREE_INPUT = {"text", "textarea", "search", "password", "number", "date", "datetime-local"}

# Fields swept by the foundation's own naughty-string tests (test_naughty_strings.py).
COVERED_ELSEWHERE: dict[tuple[str, str], str] = {
    ("/login", "username"): "test_login_with_naughty_credentials_never_500",
    ("/login", "password"): "test_login_with_naughty_credentials_never_500",
    ("/register", "username"): "test_register_fields_never_500",
    ("/register", "display_name"): "test_register_fields_never_500",
    ("/register", "password"): "test_register_fields_never_500",
    ("/register", "password_confirm"): "test_register_fields_never_500",
    ("/me", "display_name"): "test_display_name_round_trips_or_is_refused",
}

# Field names a template renders in a loop, and the code lists they come from.
DYNAMIC_NAMES: dict[str, list[str]] = {
    "members/form.html": [*TEXT_FIELDS, *(name for name, _ in MILESTONES)],
    # A request kind's own fields (data): the identity-proof kind's is swept, the others take
    # the same path (forum/affairs/actions.py clean_answers).
    "affairs/new.html": ["f_purpose"],
}


def _actions(raw: str) -> list[str]:
    """The route patterns a form's action attribute may render to, with `{}` for each
    variable segment: `{% if %}` branches and quoted alternatives are each a pattern."""
    if "{%" in raw:
        pieces = [p.strip() for p in re.split(r"{%.*?%}", raw) if p.strip()]
    elif re.fullmatch(r"{{.*\bif\b.*}}", raw.strip()):
        pieces = re.findall(r"'([^']*)'", raw)
    else:
        pieces = [raw]
    # The query string is not part of the route (the sweep's rows drop theirs too).
    return [re.sub(r"{{.*?}}|%[ds]", "{}", p).split("?")[0] for p in pieces]


def template_fields() -> set[tuple[str, str]]:
    """(route pattern, field name) for every free-input field of every POST or GET form."""
    found: set[tuple[str, str]] = set()
    for path in sorted(ROOT.glob("*/**/templates/**/*.html")):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for attrs, body in re.findall(r"<form\b(.*?)>(.*?)</form>", text, re.S):
            action = re.search(r'action="([^"]*)"', attrs)
            if action is None:
                continue  # a form posting to its own page: the directory filter, the audit filter
            for tag, tag_attrs in re.findall(r"<(input|textarea)\b([^>]*)>", body):
                kind = re.search(r'type="([^"]*)"', tag_attrs)
                kind_name = "textarea" if tag == "textarea" else (kind.group(1) if kind else "text")
                name = re.search(r'name="([^"]*)"', tag_attrs)
                if kind_name not in FREE_INPUT or name is None:
                    continue
                names = [name.group(1)]
                if "{{" in names[0]:
                    names = DYNAMIC_NAMES[_template_name(path)]
                for route in _actions(action.group(1)):
                    found.update((route, n) for n in names)
    return found


def _template_name(path: Path) -> str:
    """ "members/form.html" for .../templates/members/form.html."""
    parts = path.parts
    below = len(parts) - parts[::-1].index("templates")
    return "/".join(parts[below:])


def swept_fields() -> set[tuple[str, str]]:
    """(route pattern, field name) for every field the sweep posts, from the Form rows."""
    dummy = World(collections.defaultdict(lambda: 1), {})
    out: set[tuple[str, str]] = set()
    for forms in PARTS.values():
        for form in forms.values():
            route = re.sub(r"/\d+(?=/|$)", "/{}", form.url(dummy).split("?")[0])
            out.update((route, field) for field in form.fields)
    return out


def _matches(pattern: str, route: str) -> bool:
    regex = "".join(
        "[^/]+" if part == "{}" else re.escape(part) for part in re.split(r"({})", pattern)
    )
    return re.fullmatch(regex, route) is not None


def test_every_template_form_field_is_swept() -> None:
    rendered = template_fields()
    assert len(rendered) > 80, sorted(rendered)  # the parser found the forms
    swept = swept_fields()
    missing = sorted(
        (pattern, field)
        for pattern, field in rendered
        if (pattern, field) not in COVERED_ELSEWHERE
        and not any(f == field and _matches(pattern, route) for route, f in swept)
    )
    assert not missing, f"form fields no naughty-string row sweeps: {missing}"


def test_the_field_slices_cover_the_whole_list() -> None:
    covered = {s for i in range(len(ALL_FIELDS)) for s in strings_for(i, len(ALL_FIELDS))}
    assert covered >= set(STRINGS)


def _message(page: str) -> str:
    """The error a refused form shows (its alert box), for the printed digest."""
    found = re.search(r'role="alert">([^<]*)<', page) or re.search(
        r"<h1>[^<]*</h1>\s*<p>([^<]*)</p>", page
    )
    return found.group(1)[:40] if found else "(no message found)"


@pytest.mark.parametrize("part", list(PARTS))
async def test_form_fields_take_naughty_strings(app: Any, part: str) -> None:
    started = time.monotonic()
    world = await build_world(app)
    await prepare(world)
    from transparency.models import Disclosure

    published = await Disclosure.filter(state="published", scope="public").order_by("id").first()
    assert published is not None
    world.ids["published"] = published.id
    world.ids["correctable"] = await correctable_by_publisher(world)
    forms = PARTS[part]
    tried = accepted = fields = 0
    for index, (field_part, name, field_name) in enumerate(ALL_FIELDS):
        if field_part != part:
            continue
        fields += 1
        form = forms[name]
        client = await world.as_(form.actor if form.actor != "-" else None)
        reader = form.fields[field_name]
        ok = 0
        refusals: collections.Counter[str] = collections.Counter()
        values = strings_for(index, len(ALL_FIELDS))
        for value in values:
            if form.fresh is not None:
                await form.fresh(world)
            before = await write_fingerprint()
            if form.send is not None:
                response = await form.send(client, world, field_name, value)
            elif form.method == "GET":
                response = await client.get(form.url(world), params={field_name: value})
            else:
                data = {**form.base(world), field_name: value}
                response = await client.post_form(form.url(world), data)
            label = (name, field_name, value[:60], response.status_code)
            assert response.status_code < 500, label
            tried += 1
            if form.method == "GET":
                assert response.status_code in {200, 400, 404}, label
                ok += response.status_code == 200
                continue
            if response.status_code in form.accepted:
                ok += 1
                stored = await reader() if reader is not None else None
                if stored is not None and value.strip():
                    assert stored in normalisations(value), (*label, stored[:60])
            else:
                assert refused_clearly(response, api=False), (*label, response.text[:300])
                assert await write_fingerprint() == before, label
                refusals[_message(response.text)] += 1
        common = "; ".join(f"{m} x{n}" for m, n in refusals.most_common(3))
        print(f"  {name} {field_name}: {len(values)} tried, {ok} accepted  {common}")
        accepted += ok
    report(
        f"naughty strings x {part} form fields: {fields} fields ({len(forms)} forms), "
        f"{tried} requests, {accepted} accepted, {tried - accepted} refused with a Chinese "
        f"message, 0 server errors, {time.monotonic() - started:.1f}s"
    )
    for c in world.clients.values():
        await c.http.aclose()
