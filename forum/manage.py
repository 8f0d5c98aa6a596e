"""The 管理 hub: links to every admin tool the viewer may use.

Parts add their tools with `ManageLink` provisions; the predicate decides who sees the link
(the tools themselves still check the policy on every request). Whether the hub is open to
a viewer, and so whether the 管理 nav link shows, is `can_open_manage_hub`: every
registered predicate must imply it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.http import viewer_of
from forum.models import Org, in_tree_order
from forum.parts import Registry
from forum.policy import (
    Viewer,
    can_admin_site,
    can_administer_some_org,
    can_open_manage_hub,
    ensure_visible,
)
from forum.templating import render


@dataclass(frozen=True)
class ManageLink:
    key: str
    order: int
    title: str
    href: str
    description: str
    visible: Callable[[Viewer], bool]

    def install(self) -> None:
        LINKS.add(self.key, self)


LINKS: Registry[ManageLink] = Registry("manage links")

SITE_LINK = ManageLink(
    "site",
    order=10,
    title="站点管理",
    href="/admin",
    description="党组织与全站职务",
    visible=can_admin_site,
)


async def manage(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_open_manage_hub(viewer))
    links = [link for link in sorted(LINKS, key=lambda x: x.order) if link.visible(viewer)]
    org_ids = sorted(
        {
            g.org_id
            for g in viewer.roles
            if g.org_id is not None and g.org_path in viewer.admin_paths
        }
        if can_administer_some_org(viewer)
        else ()
    )
    orgs = in_tree_order(await Org.filter(id__in=org_ids)) if org_ids else []
    return render(request, "forum/manage.html", {"links": links, "orgs": orgs})


routes: list[BaseRoute] = [Route("/manage", manage, methods=["GET"])]
