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
    latest,
    no_site_pins,
    normalisations,
    prepare,
    refused_clearly,
    serial,
    strings_for,
    write_fingerprint,
)
from tests.naughty_forms import development as dev
from tests.naughty_forms import tasks as task_forms

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


async def _latest_of(model: str, attribute: str, world: World) -> str | None:
    """The attribute of the newest row of a directory model about the fresh member."""
    from forum.members import models

    return await latest(getattr(models, model), attribute, member_id=world.ids["dev_member"])


def _reads(model: str, columns: dict[str, str]) -> Reader:
    """A reader for the fields stored on `model` (field -> column); others are not echoed."""

    async def read(world: World, response: httpx.Response, name: str) -> str | None:
        column = columns.get(name)
        return None if column is None else await _latest_of(model, column, world)

    return read


async def _none() -> None:
    return None


async def fresh_published_resource(world: World) -> None:
    """A published library resource full_member may study (the demo publishes some)."""
    from forum.learning.models import Resource

    row = await Resource.filter(state="published").order_by("id").first()
    assert row is not None, "the demo publishes library resources"
    world.ids["learning_resource"] = row.id


async def _task_field(world: World, response: httpx.Response, name: str) -> str | None:
    from forum.tasks.models import Task

    columns = {"title": "title", "body": "body_raw", "deadline": "deadline"}
    return await latest(Task, columns[name]) if name in columns else None


async def _task_answer(world: World, response: httpx.Response, name: str) -> str | None:
    if name != "answer":
        return None  # the reason is read on a return, not on a submit
    from forum.tasks.models import TaskAssignment

    row = await TaskAssignment.get(id=world.ids["task_row"])
    return row.answer_raw


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
    "POST /api/v1/preview": Op(
        "full_member", lambda w: "/api/v1/preview", lambda w: {"body": "预览正文"}
    ),
    "POST /api/v1/drafts": Op(
        "publicity",
        lambda w: "/api/v1/drafts",
        lambda w: {"board_id": w.ids["board"], "title": "草稿标题", "body": "草稿正文"},
    ),
    "GET /api/v1/users/suggest": Op("full_member", lambda w: "/api/v1/users/suggest"),
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
        "secretary",
        lambda w: f"/api/v1/members/{w.ids['member']}/reveal",
        lambda w: {"reason": "核对身份"},
    ),
    # Status decisions and discipline: each works once per member, so every try gets a fresh one
    # (tests/naughty_forms/development.py). Dates and enums are strict; texts round-trip.
    "POST /api/v1/members/{member_id}/decisions": Op(
        "secretary",
        lambda w: f"/api/v1/members/{w.ids['dev_member']}/decisions",
        lambda w: {"kind": "cancellation", "vote_id": w.ids["dev_vote"], "reason": "原因"},
        read=lambda w, r, name: (
            _latest_of("StatusDecision", "reason", w) if name == "reason" else None
        ),
        fresh=dev.fresh_due_cancellation,
    ),
    "POST /api/v1/members/decisions/{decision_id}/approve": Op(
        "admin",
        lambda w: f"/api/v1/members/decisions/{w.ids['decision']}/approve",
        lambda w: {"on": dev._today().isoformat(), "note": "同意"},
        fresh=dev.fresh_pending_decision,
    ),
    "POST /api/v1/members/decisions/{decision_id}/reject": Op(
        "admin",
        lambda w: f"/api/v1/members/decisions/{w.ids['decision']}/reject",
        lambda w: {"on": dev._today().isoformat(), "note": "材料不全"},
        fresh=dev.fresh_pending_decision,
    ),
    # 不计入应到: propose, approve or refuse, end (the vote takes no string).
    "POST /api/v1/members/{member_id}/roll-exclusions": Op(
        "secretary",
        lambda w: f"/api/v1/members/{w.ids['dev_member']}/roll-exclusions",
        lambda w: {"category": "abroad", "reason": "自费留学"},
        read=_reads("RollExclusion", {"reason": "reason"}),
        fresh=dev.fresh_full,
    ),
    "POST /api/v1/members/roll-exclusions/{exclusion_id}/approve": Op(
        "admin",
        lambda w: f"/api/v1/members/roll-exclusions/{w.ids['exclusion']}/approve",
        lambda w: {"on": dev._today().isoformat(), "note": "组〔2026〕1号"},
        read=_reads("RollExclusion", {"note": "approval_note"}),
        fresh=dev.fresh_exclusion,
    ),
    "POST /api/v1/members/roll-exclusions/{exclusion_id}/reject": Op(
        "admin",
        lambda w: f"/api/v1/members/roll-exclusions/{w.ids['exclusion']}/reject",
        lambda w: {"on": dev._today().isoformat(), "note": "情况不符"},
        read=_reads("RollExclusion", {"note": "approval_note"}),
        fresh=dev.fresh_exclusion,
    ),
    "POST /api/v1/members/roll-exclusions/{exclusion_id}/end": Op(
        "secretary",
        lambda w: f"/api/v1/members/roll-exclusions/{w.ids['exclusion']}/end",
        lambda w: {"ended_on": dev._today().isoformat(), "end_reason": "已回国"},
        read=_reads("RollExclusion", {"end_reason": "end_reason"}),
        fresh=dev.fresh_approved_exclusion,
    ),
    "POST /api/v1/members/{member_id}/sanctions": Op(
        "secretary",
        lambda w: f"/api/v1/members/{w.ids['dev_member']}/sanctions",
        lambda w: {
            "kind": "warning",
            "decision_number": "纪〔2026〕1号",
            "deciding_body": "支部党员大会",
            "decided_on": dev._today().isoformat(),
            "approving_body": "党委",
            "approved_on": dev._today().isoformat(),
        },
        read=lambda w, r, name: (
            _latest_of("Sanction", name, w)
            if name in {"deciding_body", "approving_body", "decision_number"}
            else None
        ),
        fresh=dev.fresh_full,
    ),
    "POST /api/v1/members/sanctions/{sanction_id}/end": Op(
        "secretary",
        lambda w: f"/api/v1/members/sanctions/{w.ids['dev_sanction']}/end",
        lambda w: {
            "outcome": "restore",
            "on": dev._today().isoformat(),
            "decision_number": "支〔2026〕5号",
        },
        read=lambda w, r, name: (
            _latest_of("Sanction", "outcome_decision", w) if name == "decision_number" else None
        ),
        fresh=dev.fresh_on_probation_sanction,
    ),
    "POST /api/v1/members/duplicates/{case_id}/merge": Op(
        "admin",
        lambda w: f"/api/v1/members/duplicates/{w.ids['duplicate']}/merge",
        lambda w: {"keep": w.ids["dup_keep"], "note": "同一人"},
        fresh=dev.fresh_duplicate,
    ),
    "POST /api/v1/members/duplicates/{case_id}/dismiss": Op(
        "admin",
        lambda w: f"/api/v1/members/duplicates/{w.ids['duplicate']}/dismiss",
        lambda w: {"note": "不是同一人"},
        fresh=dev.fresh_duplicate,
    ),
    "POST /api/v1/members/{member_id}/suspensions": Op(
        "secretary",
        lambda w: f"/api/v1/members/{w.ids['dev_member']}/suspensions",
        lambda w: {
            "reason": "失去联系超过六个月",
            "decision_number": "支〔2026〕2号",
            "approving_body": "党委",
            "approved_on": dev._today().isoformat(),
        },
        read=lambda w, r, name: (
            _latest_of("MembershipSuspension", name, w)
            if name in {"reason", "decision_number", "approving_body"}
            else None
        ),
        fresh=dev.fresh_full,
    ),
    "POST /api/v1/members/suspensions/{suspension_id}/end": Op(
        "secretary",
        lambda w: f"/api/v1/members/suspensions/{w.ids['dev_suspension']}/end",
        lambda w: {"outcome": "restore", "on": dev._today().isoformat(), "note": "已取得联系"},
        read=lambda w, r, name: (
            _latest_of("MembershipSuspension", "end_note", w) if name == "note" else None
        ),
        fresh=dev.fresh_suspended,
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
    # 任务下达: a task from 第一党支部 to full_member, answered by full_member.
    "POST /api/v1/tasks": Op(
        "secretary",
        lambda w: "/api/v1/tasks",
        lambda w: {
            "org_id": w.ids["branch"],
            "title": "语料任务",
            "deadline": task_forms._deadline(),
            "target": "members",
            "usernames": "full_member",
        },
        read=_task_field,
    ),
    "POST /api/v1/tasks/{task_id}/assignments/{assignment_id}": Op(
        "full_member",
        lambda w: f"/api/v1/tasks/{w.ids['task']}/assignments/{w.ids['task_row']}",
        lambda w: {"step": "submit", "answer": "已办理"},
        read=_task_answer,
        fresh=task_forms.fresh_to_answer,
    ),
    # 在线学习: the library list's tab (an enum) and a heartbeat's tab id (not stored).
    "GET /api/v1/learning/resources": Op("full_member", lambda w: "/api/v1/learning/resources"),
    "POST /api/v1/learning/resources/{resource_id}/beat": Op(
        "full_member",
        lambda w: f"/api/v1/learning/resources/{w.ids['learning_resource']}/beat",
        lambda w: {"tab": "tab-1", "position": 0, "visible": True, "active": True},
        read=lambda w, r, name: _none(),
        fresh=fresh_published_resource,
    ),
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
