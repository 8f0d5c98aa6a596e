"""Member directory (电子档案): new and edited records, the CSV import, floating inflow.
(Development, transfers and outflow on a record: development.py.)

Date and ID-number fields are validated strictly (a real date in order, a checksum-valid
number that matches the birth date), so naughty strings there are refused except blanks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import re
from typing import Any

import httpx

from forum import crypto, idcard
from forum.members.fields import MILESTONES, TEXT_FIELDS
from forum.models import Member, Org
from tests.helpers import Client
from tests.naughty import Form, World, write_fingerprint

# Where the readers find the row a request wrote (set by `fresh` and `send`).
STATE: dict[str, Any] = {}
_numbers = itertools.count(1)


def member_id_number() -> str:
    """A valid, never repeated ID number born 1970 or later in a region the demo never uses,
    old enough for the milestone dates below whatever the run's length."""
    n = next(_numbers)
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n)
    return idcard.generate(random.Random(n), birth, "F", region="320102")


# A full member's milestones, in order (domain.md §2).
FULL_DATES = {
    "applied_at": "2010-03-01",
    "activist_at": "2010-09-01",
    "development_target_at": "2011-09-01",
    "probation_at": "2012-07-01",
    "full_at": "2013-07-01",
}
TEXTS = {
    "ethnicity": "汉族",
    "native_place": "江苏南京",
    "phone": "13800000000",
    "email": "member@example.com",
    "education": "本科",
    "workplace": "某街道办事处",
    "position": "科员",
    "archive_location": "区档案馆",
}
DATES = [name for name, _ in MILESTONES]
RECORD_FIELDS = ["name", "id_number", "birth_date", *TEXT_FIELDS, *DATES]


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _stored(member: Member | None, field: str) -> str | None:
    if member is None:
        return None
    if field == "id_number":
        return crypto.decrypt(member.id_number_encrypted) if member.id_number_encrypted else None
    return _shown(getattr(member, field))


def newest_member(field: str) -> Any:
    async def read() -> str | None:
        return _stored(await Member.all().order_by("-id").first(), field)

    return read


def edited_member(field: str) -> Any:
    async def read() -> str | None:
        return _stored(await Member.get(id=STATE["edited"]), field)

    return read


async def _full_member(org_name: str, name: str) -> tuple[Member, str]:
    """A full member (all milestones) in `org_name`, written as the create action would."""
    from forum.members.actions import do_create_member
    from forum.members.fields import clean_record

    number = member_id_number()
    org = await Org.get(name=org_name)
    data = {"name": name, "id_number": number, "status": "full", **TEXTS, **FULL_DATES}
    record = clean_record(data)
    return await do_create_member(org, record), number


async def record_to_edit(world: World) -> None:
    """One full member of the secretary's branch: every try posts the whole record again."""
    if "edited" not in STATE or STATE.get("world") is not world:
        member, _ = await _full_member("第一党支部", "语料修改")
        STATE.update(edited=member.id, world=world)
    world.ids["edited"] = STATE["edited"]


async def member_elsewhere(world: World) -> None:
    """A full member of another branch, not floating: the secretary registers its in-flow."""
    _, number = await _full_member("第二党支部", "语料流入")
    STATE["inflow_id"] = number


def newest_inflow(field: str) -> Any:
    """An inflow is a request until the home side confirms: the host's form writes that."""

    async def read() -> str | None:
        from forum.members.models import FloatingInflow

        row = await FloatingInflow.all().order_by("-id").first()
        return None if row is None else _shown(getattr(row, field))

    return read


def latest_audit_reason(action: str) -> Any:
    """The reason the newest `action` audit row keeps (a reveal, a full-ID export)."""

    async def read() -> str | None:
        from forum.auditlog import AuditEntry

        row = await AuditEntry.filter(action=action).order_by("-id").first()
        return None if row is None else str(row.reason)

    return read


async def pending_inflow(world: World) -> None:
    """The secretary's branch asks to register a member of 第二党支部 as flowing in: the
    home branch's secretary declines it with a reason."""
    from forum.members import floating
    from forum.models import User
    from forum.viewer import viewer_for_user

    _, number = await _full_member("第二党支部", "语料退回")
    secretary = await viewer_for_user((await User.get(username="secretary")).id)
    host = await Org.get(name="第一党支部")
    await floating.request_inflow(
        secretary, host, number, "LR2026-0200", "2026-10-01", "2027-04-01"
    )
    from forum.members.models import FloatingInflow

    row = await FloatingInflow.all().order_by("-id").first()
    assert row is not None
    world.ids["pending_inflow"] = row.id


async def declined_reason() -> str | None:
    from forum.members.models import FloatingInflow

    row = await FloatingInflow.filter(state="declined").order_by("-id").first()
    return None if row is None else row.decline_reason


# The member import: each string goes into one cell of an uploaded CSV -------------------

IMPORT_COLUMNS = {"name": "姓名", "workplace": "工作单位"}
CJK = re.compile(r"[\u4e00-\u9fff]")


async def import_csv(client: Client, world: World, field: str, value: str) -> httpx.Response:
    """Upload, read the dry-run report, and import when the report offers it (as an admin
    would). A row the dry run refuses leaves the report (200) and nothing imported: the
    reader then checks that only the report was written."""
    number = member_id_number()
    row = {"姓名": "语料导入", "身份证号": number, "状态": "正式党员", "工作单位": "某单位"}
    row |= {label: FULL_DATES[key] for key, label in MILESTONES}  # the import's headers
    row[IMPORT_COLUMNS[field]] = value
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    content = ("\ufeff" + out.getvalue()).encode()
    STATE["import"] = {"hash": crypto.lookup_hash(number), "before": await write_fingerprint()}
    response = await client.http.post(
        "/members/import",
        data={"csrf_token": await client.csrf(), "org_id": str(world.ids["branch"])},
        files={"file": ("语料名册.csv", content, "text/csv")},
    )
    if response.status_code != 303:
        return response
    report_url = response.headers["location"]
    STATE["import"]["batch"] = int(report_url.rsplit("/", 1)[1])
    report = await client.get(report_url)
    if 'id="import-all"' not in report.text:
        return report
    return await client.post_form(report_url + "/run")


def imported(field: str) -> Any:
    async def read() -> str | None:
        from forum.members.models import ImportBatch

        state = STATE["import"]
        batch = await ImportBatch.get(id=state["batch"])
        member = await Member.filter(id_number_hash=state["hash"]).first()
        if batch.state == "done":
            assert batch.imported == 1 and member is not None, (batch.state, batch.error)
            return _stored(member, field)
        # Refused by the dry run: the report names the reason, nothing but it was written.
        assert batch.state == "validated" and batch.valid_rows == 0, (batch.state, batch.error)
        assert member is None
        reasons = " ".join(r for e in batch.report["errors"] for r in e["reasons"])
        assert CJK.search(reasons), batch.report
        assert await write_fingerprint() == state["before"] + 1, "more than the report written"
        return None

    return read


FORMS: dict[str, Form] = {
    "directory: new member": Form(
        "secretary",
        lambda w: "/members/new",
        {field: newest_member(field) for field in RECORD_FIELDS},
        lambda w: {
            "org_id": str(w.ids["branch"]),
            "name": "语料党员",
            "id_number": member_id_number(),
            "status": "full",
            **FULL_DATES,
        },
    ),
    "directory: edit member": Form(
        "secretary",
        lambda w: f"/members/{w.ids['edited']}/edit",
        {field: edited_member(field) for field in RECORD_FIELDS},
        # id_number blank: keep the stored number (the edit form says 不修改请留空).
        lambda w: {
            "org_id": str(w.ids["branch"]),
            "group_id": "",
            "name": "语料修改",
            "id_number": "",
            "sex": "",
            "birth_date": "",
            **TEXTS,
            **FULL_DATES,
        },
        fresh=record_to_edit,
    ),
    "directory: floating inflow": Form(
        "secretary",
        lambda w: "/members/floating/inflow",
        {
            "id_number": None,  # matched by its keyed hash, stored only masked
            "certificate_number": newest_inflow("certificate_number"),
            "starts_on": newest_inflow("starts_on"),
            "ends_on": newest_inflow("ends_on"),
        },
        lambda w: {
            "host_org_id": str(w.ids["branch"]),
            "id_number": STATE["inflow_id"],
            "certificate_number": "LR2026-0100",
            "starts_on": "2026-10-01",
            "ends_on": "2027-04-01",
        },
        fresh=member_elsewhere,
    ),
    "directory: import": Form(
        "secretary",
        lambda w: "/members/import",
        {field: imported(field) for field in IMPORT_COLUMNS},
        # 303: imported; 200: the dry-run report refused the row (checked by the reader).
        accepted=frozenset({200, 303}),
        send=import_csv,
    ),
    # A reveal answers with the record (200); the reason is kept whole in the audit.
    "directory: reveal reason": Form(
        "secretary",
        lambda w: f"/members/{w.ids['member']}/reveal",
        {"reason": latest_audit_reason("member.id_revealed")},
        accepted=frozenset({200}),
    ),
    # The download is the answer (200); the reason is kept in the audit row.
    "directory: export reason": Form(
        "secretary",
        lambda w: "/members/export.csv?ids=full",
        {"reason": latest_audit_reason("member.exported")},
        accepted=frozenset({200}),
    ),
    "directory: decline inflow": Form(
        "sibling_secretary",
        lambda w: f"/members/floating/inflows/{w.ids['pending_inflow']}/decline",
        {"reason": declined_reason},
        fresh=pending_inflow,
    ),
    "directory: search": Form("secretary", lambda w: "/members", {"q": None}, method="GET"),
}
