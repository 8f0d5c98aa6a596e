"""Files on service requests (办事材料) and on notices (通知附件), through HTTP: vetted by the
kernel's one door (`forum.files`: sniffed from the bytes, metadata stripped), stored with the
row or not at all, and served only to who may see the request or read the notice."""

from __future__ import annotations

from forum import files
from forum.affairs.models import ServiceAttachment, ServiceRequest
from forum.notices.models import NoticeAttachment
from tests.boards_helpers import png_bytes
from tests.factories import Tree, make_person
from tests.helpers import Client
from tests.integration.test_affairs import kind
from tests.integration.test_notices import later

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE = b"<html><script>alert(1)</script></html>"  # named .png: sniffed, refused


def _stored() -> set[str]:
    root = files.root()
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


async def test_a_request_carries_files_that_only_its_people_can_open(
    tree: Tree, client: Client, other_client: Client
) -> None:
    member = await make_person(tree.branch_a)
    secretary = await make_person(tree.branch_a, role="secretary")
    sibling = await make_person(tree.branch_b, role="secretary")
    proof = await kind("identity_proof")
    await client.login(member.username)
    form = {"kind_id": str(proof.id), "title": "开具党员身份证明", "f_purpose": "入职材料"}
    page = f"/affairs/new?kind={proof.id}"
    assert 'enctype="multipart/form-data"' in (await client.get(page)).text

    # A disguised file is refused in place; nothing is written, no file is left behind.
    before = _stored()
    refused = await client.post_form(
        "/affairs",
        form,
        files=[("files", ("photo.png", FAKE, "image/png"))],
        headers={"Referer": f"http://testserver{page}"},
    )
    assert refused.status_code == 303
    again = await client.get(page)
    assert "photo.png" in again.text and "入职材料" in again.text  # message and input kept
    assert await ServiceRequest.all().count() == 0 and _stored() == before

    tagged = png_bytes(text=b"GPS 31.2N 121.5E")
    filed = await client.post_form(
        "/affairs",
        form,
        files=[
            ("files", ("证明材料.png", tagged, "image/png")),
            ("files", ("单位函.pdf", PDF, "application/pdf")),
        ],
    )
    assert filed.status_code == 303
    request = await ServiceRequest.get(requester_id=member.id)
    rows = await ServiceAttachment.filter(request_id=request.id).order_by("id")
    assert [(r.filename, r.kind) for r in rows] == [
        ("证明材料.png", "image"),
        ("单位函.pdf", "document"),
    ]
    assert b"GPS" not in files.path_of(rows[0].storage_key).read_bytes()  # metadata stripped
    detail = await client.get(f"/affairs/{request.id}")
    assert "证明材料.png" in detail.text and "单位函.pdf" in detail.text
    url = f"/affairs/{request.id}/files/{rows[1].id}/x.pdf"
    mine = await client.get(url)
    assert mine.status_code == 200 and mine.content == PDF
    assert mine.headers["content-security-policy"] == "sandbox"
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in mine.headers["content-disposition"]

    # The handler sees and answers with a file; a sibling branch does not see it at all.
    await other_client.login(secretary.username)
    assert (await other_client.get(url)).status_code == 200
    answered = await other_client.post_form(
        f"/affairs/{request.id}/message",
        {"body": ""},
        files=[("files", ("回执.pdf", PDF, "application/pdf"))],
    )
    assert answered.status_code == 303
    assert await ServiceAttachment.filter(request_id=request.id).count() == 3
    # A scan larger than a plain form may be (the form's own body limit) still goes through.
    scan = PDF + b"%" + b"0" * (2 * 1024 * 1024)
    big = await other_client.post_form(
        f"/affairs/{request.id}/message",
        {"body": "扫描件"},
        files=[("files", ("扫描件.pdf", scan, "application/pdf"))],
    )
    assert big.status_code == 303
    assert await ServiceAttachment.filter(request_id=request.id).count() == 4
    empty = await other_client.post_form(f"/affairs/{request.id}/message", {"body": " "})
    assert empty.status_code == 400 and "请填写留言或添加附件" in empty.text
    await other_client.logout()
    await other_client.login(sibling.username)
    assert (await other_client.get(url)).status_code == 404
    # A file id of another request does not open through this one.
    assert (await client.get(f"/affairs/{request.id + 1}/files/{rows[1].id}/x")).status_code == 404


async def test_a_notice_carries_files_for_its_readers_only(
    tree: Tree, client: Client, other_client: Client
) -> None:
    secretary = await make_person(tree.branch_a, role="secretary")
    reader = await make_person(tree.branch_a)
    outsider = await make_person(tree.branch_b)
    await client.login(secretary.username)
    assert 'type="file" name="files"' in (await client.get("/notices/new")).text
    published = await client.post_form(
        "/notices",
        {
            "org_id": str(tree.branch_a.id),
            "title": "学习资料",
            "body": "见附件。",
            "expires_at": later(10),
        },
        files=[("files", ("学习提纲.pdf", PDF, "application/pdf"))],
    )
    assert published.status_code == 303, published.text
    notice_id = int(published.headers["location"].rsplit("/", 1)[1])
    row = await NoticeAttachment.get(notice_id=notice_id)
    url = f"/notices/{notice_id}/files/{row.id}/x.pdf"
    await other_client.login(reader.username)
    page = await other_client.get(f"/notices/{notice_id}")
    assert "学习提纲.pdf" in page.text
    got = await other_client.get(url)
    assert got.status_code == 200 and got.content == PDF
    await other_client.logout()
    await other_client.login(outsider.username)
    assert (await other_client.get(url)).status_code == 404


async def test_the_monthly_chart_counts_filed_and_completed_by_local_month(
    tree: Tree, client: Client
) -> None:
    """办理统计's chart: requests filed and completed per month (local time), this month and
    the eleven before, across the orgs the viewer handles; another branch's are not counted."""
    import datetime as dt

    from forum.affairs import queries
    from forum.clock import utcnow, zone
    from forum.viewer import viewer_for_user

    member = await make_person(tree.branch_a)
    secretary = await make_person(tree.branch_a, role="secretary")
    other = await make_person(tree.branch_b)
    proof = await kind("identity_proof")
    await client.login(member.username)
    for title in ("一", "二", "三"):
        await client.post_form(
            "/affairs", {"kind_id": str(proof.id), "title": title, "f_purpose": "x"}
        )
    await client.logout()
    await client.login(other.username)
    await client.post_form("/affairs", {"kind_id": str(proof.id), "title": "乙", "f_purpose": "x"})
    rows = await ServiceRequest.filter(org_id=tree.branch_a.id).order_by("id")
    now = utcnow()
    # One filed three months ago and completed two months ago; one completed now.
    three_ago = now - dt.timedelta(days=92)
    await ServiceRequest.filter(id=rows[0].id).update(
        created_at=three_ago, state="completed", closed_at=now - dt.timedelta(days=61)
    )
    await ServiceRequest.filter(id=rows[1].id).update(state="completed", closed_at=now)
    months = await queries.monthly(await viewer_for_user(secretary.id))
    assert len(months) == 12 and months[-1].label == now.astimezone(zone()).strftime("%Y-%m")
    by_label = {m.label: (m.filed, m.completed) for m in months}
    label = three_ago.astimezone(zone()).strftime("%Y-%m")
    assert by_label[label][0] == 1
    assert by_label[months[-1].label] == (2, 1)
    assert sum(f for f, _ in by_label.values()) == 3  # the sibling branch's request is not here
    assert sum(c for _, c in by_label.values()) == 2
    assert max(m.filed_height for m in months) == queries.CHART_HEIGHT
    await client.logout()
    await client.login(secretary.username)
    page = await client.get("/affairs/stats")
    assert "近 12 个月申请与办结" in page.text and f"{months[-1].label} 申请 2 件" in page.text
