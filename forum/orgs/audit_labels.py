"""The orgs part's audit codes in Chinese (org and account names are the kernel's)."""

from __future__ import annotations

from forum.audit import AuditLabels

LABELS = AuditLabels(
    "orgs",
    actions={
        "org.created": "新建组织",
        "org.renamed": "重命名组织",
        "org.moved": "调整上级组织",
        "org.reordered": "调整组织顺序",
        "org.deactivated": "停用组织",
        "role.granted": "授予职务",
        "role.ended": "结束职务",
    },
)
