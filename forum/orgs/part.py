"""The orgs part: the organization tree's pages, site administration and its JSON API."""

from __future__ import annotations

from forum.orgs import api, audit_labels, routes
from forum.parts import Part

PART = Part(name="orgs", routes=(*routes.routes, *api.routes), provides=(audit_labels.LABELS,))
