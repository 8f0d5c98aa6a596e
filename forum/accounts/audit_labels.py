"""The accounts part's audit target: a display name under review names its account."""

from __future__ import annotations

from forum.audit import AuditLabels, AuditNames, user_names

LABELS = AuditLabels(
    "accounts",
    actions={"account.password_reset": "通过邮件链接重置密码"},
    targets={"display_name": "显示名称"},
)

PROVIDES = (LABELS, AuditNames("display_name", user_names))
