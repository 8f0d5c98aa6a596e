"""The Big List of Naughty Strings through every text field of every JSON API operation.

Fields are derived from /api/v1/openapi.json: every string property of every request body
(nested objects and arrays included) and every string query parameter, so a new field is
swept automatically; a new operation without an entry in OPERATIONS fails the test.
The rules (round trip or clear refusal, nothing half-written) are in tests/naughty.py.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.figures import report
from tests.naughty import (
    STRINGS,
    World,
    build_world,
    fresh_draft,
    fresh_post,
    fresh_review_item,
    fresh_sanction,
    id_number,
    no_site_pins,
    normalisations,
    prepare,
    refused_clearly,
    serial,
    strings_for,
    write_fingerprint,
)

# --- API operations: who calls them, on what, with which valid base request ----------------

Reader = Callable[[World, httpx.Response, str], Awaitable[str | None]]


@dataclasses.dataclass
class Op:
    actor: str | None
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] = lambda w: {}
    read: Reader | None = None  # stored value of a field after a 2xx; default: the echo
    extra: tuple[str, ...] = ()  # free-form string fields the schema leaves open (data.body)
    # Runs before every request: a fresh target for operations that work only once per
    # object (flag a post, resolve a review item, lift a sanction).
    fresh: Callable[[World], Awaitable[None]] | None = None


def _echo(data: Any, path: str) -> str | None:
    """The value at `path` ("a", "a.b", "a[].b", "a[]") in the response, or under one wrapper
    object ({"item": {...}}); None when the response does not echo the field."""
    steps: list[str | int] = []
    for part in path.split("."):
        if part.endswith("[]"):
            steps += [part[:-2], 0]
        else:
            steps.append(part)

    def at(node: Any) -> str | None:
        for step in steps:
            if isinstance(step, int):
                if not isinstance(node, list) or not node:
                    return None
                node = node[step]
            elif isinstance(node, dict) and step in node:
                node = node[step]
            else:
                return None
        return node if isinstance(node, str) else None

    found = at(data)
    if found is None and isinstance(data, dict):
        for wrapped in data.values():
            if isinstance(wrapped, dict) and (found := at(wrapped)) is not None:
                break
    return found


OPERATIONS: dict[str, Op] = {
    "POST /api/v1/orgs": Op(
        "admin", lambda w: "/api/v1/orgs", lambda w: {"kind": "group", "parent_id": w.ids["branch"]}
    ),
    "GET /api/v1/boards/{board_id}/topics": Op(
        "full_member", lambda w: f"/api/v1/boards/{w.ids['board']}/topics"
    ),
    "POST /api/v1/boards/{board_id}/topics": Op(
        "publicity",
        lambda w: f"/api/v1/boards/{w.ids['board']}/topics",
        lambda w: {"title": "语料标题", "body": "语料正文"},
    ),
    "POST /api/v1/topics/{topic_id}/posts": Op(
        "publicity", lambda w: f"/api/v1/topics/{w.ids['topic']}/posts"
    ),
    "PATCH /api/v1/topics/{topic_id}/posts/{number}": Op(
        "publicity",
        lambda w: f"/api/v1/topics/{w.ids['post_topic']}/posts/{w.ids['post_number']}",
        lambda w: {"body": f"修改后的正文 {next(serial)}", "reason": "修改原因"},
    ),
    "GET /api/v1/search": Op("full_member", lambda w: "/api/v1/search"),
    "GET /api/v1/members": Op("secretary", lambda w: "/api/v1/members"),
    "POST /api/v1/members": Op(
        "secretary",
        lambda w: "/api/v1/members",
        lambda w: {
            "org_id": w.ids["branch"],
            "name": "语料党员",
            "id_number": id_number(),
            "status": "applicant",
        },
    ),
    "POST /api/v1/members/{member_id}/reveal": Op(
        "secretary", lambda w: f"/api/v1/members/{w.ids['member']}/reveal"
    ),
    "POST /api/v1/moderation/flags": Op(
        "full_member",
        lambda w: "/api/v1/moderation/flags",
        lambda w: {"kind": "post", "target_id": w.ids["fresh_post"], "reason": "other"},
        fresh=fresh_post,
    ),
    "POST /api/v1/moderation/review/{item_id}": Op(
        "moderator",
        lambda w: f"/api/v1/moderation/review/{w.ids['review_item']}",
        lambda w: {"decision": "dismiss"},
        fresh=fresh_review_item,
    ),
    "POST /api/v1/moderation/sanctions": Op(
        "moderator",
        lambda w: "/api/v1/moderation/sanctions",
        lambda w: {"username": "floating", "kind": "warn", "reason": "语料警告"},
    ),
    "POST /api/v1/moderation/sanctions/{sanction_id}/lift": Op(
        "moderator",
        lambda w: f"/api/v1/moderation/sanctions/{w.ids['sanction']}/lift",
        lambda w: {"reason": "解除原因"},
        fresh=fresh_sanction,
    ),
    "GET /api/v1/moderation/audit": Op("admin", lambda w: "/api/v1/moderation/audit"),
    "POST /api/v1/moderation/topics/{topic_id}/site-pin": Op(
        "admin",
        lambda w: f"/api/v1/moderation/topics/{w.ids['topic']}/site-pin",
        lambda w: {"action": "pin", "reason": "全站置顶"},
        fresh=no_site_pins,
    ),
    "POST /api/v1/meetings/{meeting_id}/actions": Op(
        "secretary",
        lambda w: f"/api/v1/meetings/{w.ids['meeting']}/actions",
        lambda w: {"action": "message", "data": {"body": "发言"}},
        extra=("data.body",),
    ),
    "GET /api/v1/disclosures": Op("publisher", lambda w: "/api/v1/disclosures"),
    "POST /api/v1/disclosures": Op(
        "publisher",
        lambda w: "/api/v1/disclosures",
        lambda w: {
            "org_id": w.ids["branch"],
            "title": "语料公开事项",
            "body": "语料正文",
            "category_id": w.ids["category"],
            "scope": "public",
            "attachments": [{"title": "附件", "url": "https://example.org/a.pdf"}],
            "target_usernames": [],
        },
    ),
    "POST /api/v1/disclosures/{item_id}/transitions": Op(
        "publisher",
        lambda w: f"/api/v1/disclosures/{w.ids['draft']}/transitions",
        lambda w: {"step": "propose"},
        fresh=fresh_draft,
    ),
}


def string_fields(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(operation key, where: "query" | "json", field path) for every string in the document."""
    comps = doc.get("components", {}).get("schemas", {})

    def walk(schema: dict[str, Any], prefix: str) -> list[str]:
        if "$ref" in schema:
            schema = comps[schema["$ref"].split("/")[-1]]
        out: list[str] = []
        kind = schema.get("type")
        is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
        if is_string and schema.get("format") != "binary":  # uploads are files, not text
            out.append(prefix)
        for name, sub in (schema.get("properties") or {}).items():
            out += walk(sub, f"{prefix}.{name}" if prefix else name)
        if "items" in schema:
            out += walk(schema["items"], prefix + "[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                out += walk(sub, prefix)
        return out

    fields: list[tuple[str, str, str]] = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            key = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                if param.get("in") == "query":
                    fields += [
                        (key, "query", f) for f in walk(param.get("schema", {}), param["name"])
                    ]
            content = op.get("requestBody", {}).get("content", {})
            for media in content.values():
                fields += [(key, "json", f) for f in walk(media.get("schema", {}), "")]
    for key, op in OPERATIONS.items():
        fields += [(key, "json", f) for f in op.extra]
    return list(dict.fromkeys(fields))


def with_value(body: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """`body` with the string at `path` ("a.b", "list[]", "list[].name") set to `value`."""
    import copy

    out = copy.deepcopy(body)
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        name = head[:-2]
        items = out.get(name) or ([{}] if rest else [])
        if rest:
            out[name] = [with_value(items[0] if items else {}, rest, value)]
        else:
            out[name] = [value]
        return out
    if rest:
        out[head] = with_value(out.get(head) or {}, rest, value)
    else:
        out[head] = value
    return out


async def test_every_api_string_field_takes_naughty_strings(app: Any) -> None:
    started = time.monotonic()
    world = await build_world(app)
    await prepare(world)
    doc = (await world.clients["-"].get("/api/v1/openapi.json")).json()
    fields = string_fields(doc)
    missing = sorted({key for key, _, _ in fields} - set(OPERATIONS))
    assert not missing, f"operations without a naughty-string entry: {missing}"
    covered: set[str] = set()
    tried = accepted = 0
    per_field: dict[str, tuple[int, int, float]] = {}
    for index, (key, where, name) in enumerate(fields):
        op = OPERATIONS[key]
        method = key.split(" ", 1)[0]
        client = await world.as_(op.actor)
        ok = 0
        refusal = ""
        field_started = time.monotonic()
        values = strings_for(index, len(fields))
        before = await write_fingerprint() if method != "GET" else 0
        for value in values:
            if op.fresh is not None:
                await op.fresh(world)
                if method != "GET":
                    before = await write_fingerprint()
            url = op.path(world)
            if where == "query":
                response = await client.get(url, params={name: value})
            else:
                body = with_value(op.body(world), name, value)
                response = await client.request_json(method, url, body)
            label = (key, name, value[:60], response.status_code, response.text[:200])
            assert response.status_code < 500, label
            tried += 1
            if value in STRINGS:
                covered.add(value)
            if response.status_code < 400:
                ok += 1
                if method != "GET":
                    before = await write_fingerprint()
                if where == "json" and method != "GET":
                    stored = (
                        await op.read(world, response, name)
                        if op.read
                        else _echo(response.json(), name)
                    )
                    # A blank value means "not given": the field takes its default.
                    if stored is not None and value.strip():
                        assert stored in normalisations(value), (*label[:3], stored[:60])
            else:
                refusal = refusal or response.text[:80]
                assert refused_clearly(response, api=True), label
                if method != "GET":
                    assert await write_fingerprint() == before, label
        took = time.monotonic() - field_started
        per_field[f"{key} {where}:{name}"] = (len(values), ok, took)
        print(
            f"  {key} {where}:{name}: {len(values)} tried, {ok} accepted ({took:.1f}s) {refusal if not ok else ''}"
        )
        accepted += ok
    assert covered >= set(STRINGS), len(set(STRINGS) - covered)
    elapsed = time.monotonic() - started
    report(
        f"naughty strings x API fields: {len(set(STRINGS))} distinct strings over {len(fields)} fields "
        f"({len(OPERATIONS)} operations), {tried} requests, {accepted} accepted, "
        f"{tried - accepted} refused with a JSON error, 0 server errors, {elapsed:.1f}s"
    )
    for c in world.clients.values():
        await c.http.aclose()
