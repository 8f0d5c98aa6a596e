"""Org tree browser, org pages, org administration and site administration."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum import core_queries as queries
from forum.answers import ask_confirmation, done
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_form, text_field, viewer_of
from forum.models import ORG_CHILD_KINDS, ROLE_LABELS, STATUS_LABELS, Org, OrgRole
from forum.orgs import actions
from forum.policy import can_admin_site, can_manage_org, ensure, ensure_visible
from forum.templating import render


async def _org(request: Request) -> Org:
    return await queries.get_org_for(viewer_of(request), int_param(request.path_params["org_id"]))


async def tree(request: Request) -> Response:
    nodes = await queries.org_tree(viewer_of(request))
    return render(request, "forum/org_tree.html", {"nodes": nodes})


async def org_page(request: Request) -> Response:
    org = await _org(request)
    context = await queries.org_page(viewer_of(request), org)
    return render(request, "forum/org.html", context)


async def org_admin(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await _org(request)
    ensure_visible(can_manage_org(viewer, org))
    status = request.query_params.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    after = request.query_params.get("after")
    members, next_cursor = await queries.subtree_members(
        org, status=status, after=int_param(after) if after else None
    )
    context = await queries.org_page(viewer, org)
    context.update(
        members=members,
        next_cursor=next_cursor,
        status=status,
        child_kinds=sorted(ORG_CHILD_KINDS[str(org.kind)]),
        assignable_roles=[r for r in ROLE_LABELS if r != "site_admin"],
        role_history=await queries.role_history(org),
        move_targets=await queries.org_tree(viewer),
    )
    return render(request, "forum/org_admin.html", context)


def _back(request: Request, org_id: int, message: str, anchor: str = "") -> Response:
    return done(request, f"/orgs/{org_id}/admin{anchor}", message)


async def create_child(request: Request) -> Response:
    org = await _org(request)
    form = await read_form(request)
    child = await actions.create_org(
        viewer_of(request),
        org,
        text_field(form, "name", "组织名称", max_length=200),
        str(form.get("kind", "")),
    )
    return done(request, f"/orgs/{child.id}", f"已创建下级组织「{child.name}」。")


async def rename(request: Request) -> Response:
    org = await _org(request)
    form = await read_form(request)
    name = text_field(form, "name", "组织名称", max_length=200)
    await actions.rename_org(viewer_of(request), org, name)
    return _back(request, org.id, f"已更名为「{name}」。")


async def move(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await _org(request)
    form = await read_form(request)
    try:
        parent = await queries.get_org_for(viewer, int_param(form.get("parent_id")))
    except NotFound as exc:
        raise ActionError("请选择有效的上级组织", field="parent") from exc
    await actions.move_org(viewer, org, parent)
    return _back(request, org.id, f"已将「{org.name}」移动到「{parent.name}」之下。")


async def reorder(request: Request) -> Response:
    org = await _org(request)
    form = await read_form(request)
    await actions.reorder_org(viewer_of(request), org, str(form.get("direction", "")))
    message = f"已调整「{org.name}」的排列顺序。"
    if org.parent_id is None:
        return done(request, "/admin", message)
    return done(request, f"/orgs/{org.parent_id}/admin#children", message)


async def deactivate(request: Request) -> Response:
    org = await _org(request)
    form = await read_form(request)
    reason = text_field(form, "reason", "撤销原因", max_length=500)
    await actions.check_deactivate_org(viewer_of(request), org)
    question = f"撤销后「{org.name}」不再接收新的党员、会议和帖子，且不能恢复。确定撤销？"
    if (ask := await ask_confirmation(request, question, confirm_label="撤销组织")) is not None:
        return ask
    await actions.deactivate_org(viewer_of(request), org, reason)
    return done(request, f"/orgs/{org.id}", f"已撤销组织「{org.name}」。")


async def grant_role(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await _org(request)
    ensure_visible(can_manage_org(viewer, org))
    form = await read_form(request)
    user = await queries.find_user(text_field(form, "username", "用户名", max_length=64))
    if user is None:
        raise ActionError("找不到该用户名", field="username")
    role = str(form.get("role", ""))
    await actions.assign_role(viewer, org, user, role)
    label = ROLE_LABELS.get(role, role)
    return _back(request, org.id, f"已任命 {user.display_name} 为{label}。", "#roles")


async def end_role(request: Request) -> Response:
    viewer = viewer_of(request)
    grant, holder = await queries.role_grant_for(viewer, int_param(request.path_params["role_id"]))
    form = await read_form(request)
    name = holder.display_name
    label = ROLE_LABELS.get(grant.role, grant.role)
    question = f"确定让 {name} 卸任{label}？卸任后其管理权限立即失效。"
    if (ask := await ask_confirmation(request, question, confirm_label="卸任")) is not None:
        return ask
    await actions.end_role(viewer, grant, str(form.get("reason", "")))
    target = f"/orgs/{grant.org_id}/admin#roles" if grant.org_id else "/admin#roles"
    return done(request, target, f"{name} 已卸任{label}。")


async def site_admin(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_admin_site(viewer))
    context = {
        "nodes": await queries.org_tree(viewer),
        "site_roles": await OrgRole.filter(org_id__isnull=True, ended_at__isnull=True)
        .select_related("user")
        .order_by("role", "id"),
    }
    return render(request, "forum/site_admin.html", context)


async def create_top_org(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    org = await actions.create_org(
        viewer, None, text_field(form, "name", "组织名称", max_length=200), "committee"
    )
    return done(request, f"/orgs/{org.id}", f"已创建基层党委「{org.name}」。")


async def grant_site_role(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_admin_site(viewer))
    form = await read_form(request)
    user = await queries.find_user(text_field(form, "username", "用户名", max_length=64))
    if user is None:
        raise ActionError("找不到该用户名", field="username")
    role = str(form.get("role", ""))
    await actions.assign_role(viewer, None, user, role)
    label = ROLE_LABELS.get(role, role)
    return done(request, "/admin#roles", f"已任命 {user.display_name} 为{label}。")


routes: list[BaseRoute] = [
    Route("/orgs", tree, methods=["GET"]),
    Route("/orgs/{org_id}", org_page, methods=["GET"]),
    Route("/orgs/{org_id}/admin", org_admin, methods=["GET"]),
    Route("/orgs/{org_id}/children", create_child, methods=["POST"]),
    Route("/orgs/{org_id}/rename", rename, methods=["POST"]),
    Route("/orgs/{org_id}/move", move, methods=["POST"]),
    Route("/orgs/{org_id}/reorder", reorder, methods=["POST"]),
    Route("/orgs/{org_id}/deactivate", deactivate, methods=["POST"]),
    Route("/orgs/{org_id}/roles", grant_role, methods=["POST"]),
    Route("/roles/{role_id}/end", end_role, methods=["POST"]),
    Route("/admin", site_admin, methods=["GET"]),
    Route("/admin/orgs", create_top_org, methods=["POST"]),
    Route("/admin/roles", grant_site_role, methods=["POST"]),
]
