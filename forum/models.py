"""Core models: accounts, sessions, the organization tree, roles and membership."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tortoise import fields, models


class OrgKind(StrEnum):
    committee = "committee"
    general_branch = "general_branch"
    branch = "branch"
    group = "group"


ORG_KIND_LABELS: dict[str, str] = {
    "committee": "党委",
    "general_branch": "党总支",
    "branch": "党支部",
    "group": "党小组",
}

# The default order of siblings: committees, then general branches, branches, groups.
ORG_KIND_RANK: dict[str, int] = {"committee": 0, "general_branch": 1, "branch": 2, "group": 3}

# Which kinds may sit directly under which (None = root).
ORG_CHILD_KINDS: dict[str | None, frozenset[str]] = {
    None: frozenset({"committee"}),
    "committee": frozenset({"committee", "general_branch", "branch"}),
    "general_branch": frozenset({"branch"}),
    "branch": frozenset({"group"}),
    "group": frozenset(),
}


class MemberStatus(StrEnum):
    public = "public"  # 群众: a record whose membership ended (取消预备党员资格, 开除党籍, 除名)
    applicant = "applicant"
    activist = "activist"
    development_target = "development_target"
    probationary = "probationary"
    full = "full"


STATUS_LABELS: dict[str, str] = {
    "public": "群众",
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "development_target": "发展对象",
    "probationary": "预备党员",
    "full": "正式党员",
}

# Ordered from least to most: "at least activist" compares ranks.
STATUS_RANK: dict[str, int] = {
    "public": 0,
    "applicant": 1,
    "activist": 2,
    "development_target": 3,
    "probationary": 4,
    "full": 5,
}


class RoleName(StrEnum):
    secretary = "secretary"
    deputy_secretary = "deputy_secretary"
    organization_member = "organization_member"
    publicity_member = "publicity_member"
    discipline_member = "discipline_member"
    group_leader = "group_leader"
    publisher = "publisher"
    moderator = "moderator"
    org_admin = "org_admin"
    site_admin = "site_admin"


ROLE_LABELS: dict[str, str] = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "organization_member": "组织委员",
    "publicity_member": "宣传委员",
    "discipline_member": "纪检委员",
    "group_leader": "党小组长",
    "publisher": "发布员",
    "moderator": "版主",
    "org_admin": "组织管理员",
    "site_admin": "站点管理员",
}

# Roles that are held for the whole site (their `org` is NULL).
SITE_ROLES = frozenset({"site_admin", "moderator"})


class User(models.Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=32, unique=True)
    display_name = fields.CharField(max_length=32)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"

    def __str__(self) -> str:
        return self.username


class AuthSession(models.Model):
    """Server-side half of a login: the cookie holds only the random id.

    Revocable (logout, password change, suspension), which a signed cookie alone is not.
    """

    id = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="sessions"
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")

    class Meta:
        table = "auth_sessions"
        indexes = (("user_id", "revoked_at"),)


class Org(models.Model):
    """A node of the organization tree, stored with a materialized path `/1/3/7/`."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(OrgKind, max_length=20)
    parent: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    path = fields.CharField(max_length=255, db_index=True)
    depth = fields.SmallIntField(default=0)
    is_active = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Place among its siblings (ascending; ties by id). New orgs go after the last sibling of
    # the same or an earlier kind (ORG_KIND_RANK); the parent's admins can move them.
    sort_order = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "orgs"
        indexes = (("parent_id", "name"),)

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return ORG_KIND_LABELS[str(self.kind)]

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to (and including) this org."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


def in_tree_order(orgs: Iterable[Org]) -> list[Org]:
    """Orgs in tree order (each after its parent, siblings by `sort_order`, then id). Orgs
    whose ancestors are not in the list sort among themselves by the ancestors' ids."""
    items = list(orgs)
    place = {o.id: (o.sort_order, o.id) for o in items}
    return sorted(items, key=lambda o: [place.get(i, (0, i)) for i in o.ancestor_ids])


class OrgRole(models.Model):
    """A role held by a user, in an org (or site-wide when `org` is NULL), with history."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="roles"
    )
    user_id: int
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="roles", null=True, on_delete=fields.RESTRICT
    )
    org_id: int | None
    role = fields.CharEnumField(RoleName, max_length=32)
    started_at = fields.DatetimeField(auto_now_add=True)
    ended_at = fields.DatetimeField(null=True)
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="granted_roles", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "org_roles"
        indexes = (("user_id", "ended_at"), ("org_id", "ended_at"))

    @property
    def label(self) -> str:
        return ROLE_LABELS[str(self.role)]


class Member(models.Model):
    """A person's membership record (电子档案). An account may have none (the public)."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneNullableRelation[User] = fields.OneToOneField(
        "forum.User", related_name="member", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    name = fields.CharField(max_length=32, db_index=True)
    sex = fields.CharField(max_length=1, default="")  # "M" / "F" / "" unknown
    birth_date = fields.DateField(null=True)
    ethnicity = fields.CharField(max_length=16, default="")
    native_place = fields.CharField(max_length=32, default="")
    # 身份证号: AES-GCM ciphertext (forum.crypto) and a keyed hash for lookup. Not unique: a
    # number already registered in a record the creator may not see is written anyway (the
    # answer must not reveal it) and a duplicate case goes to the common superior
    # (`forum.members.duplicates`).
    id_number_encrypted = fields.CharField(max_length=128, null=True)
    id_number_hash = fields.CharField(max_length=64, null=True, db_index=True)
    id_number_hint = fields.CharField(max_length=24, default="")  # masked form for display
    phone = fields.CharField(max_length=20, default="")
    email = fields.CharField(max_length=128, default="")
    education = fields.CharField(max_length=16, default="")
    workplace = fields.CharField(max_length=64, default="")
    position = fields.CharField(max_length=32, default="")
    status = fields.CharEnumField(MemberStatus, max_length=24, db_index=True)
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="members", on_delete=fields.RESTRICT
    )
    org_id: int
    group: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="group_members", null=True, on_delete=fields.SET_NULL
    )
    group_id: int | None
    # Discipline flags that remove voting and election rights.
    on_probation_sanction = fields.BooleanField(default=False, db_default=False)  # 留党察看
    membership_suspended = fields.BooleanField(default=False, db_default=False)  # 停止党籍
    floating = fields.BooleanField(default=False, db_default=False)  # 流动党员
    host_org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="floating_guests", null=True, on_delete=fields.SET_NULL
    )
    host_org_id: int | None
    applied_at = fields.DateField(null=True)
    activist_at = fields.DateField(null=True)
    development_target_at = fields.DateField(null=True)
    probation_at = fields.DateField(null=True)
    full_at = fields.DateField(null=True)
    archive_location = fields.CharField(max_length=64, default="")
    # 重复档案: set when a duplicate case merged this record into the kept one. The record and
    # its history stay; it no longer counts as the number's record.
    duplicate_of: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="duplicates", null=True, on_delete=fields.SET_NULL
    )
    duplicate_of_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "members"
        indexes = (("org_id", "status"), ("org_id", "name"))

    def __str__(self) -> str:
        return self.name

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[str(self.status)]
