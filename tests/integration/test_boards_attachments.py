"""Attachments on boards: upload rights per matrix, sniffed types, refusals that write nothing,
size limits (413), serving that follows the post's visibility, safe headers, Markdown images."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from forum import files
from forum.auditlog import AuditEntry
from forum.boards.models import Attachment, Post, Topic
from forum.settings import get_settings
from tests.boards_helpers import (
    docx_bytes,
    jpeg_bytes,
    make_world,
    pdf_bytes,
    png_bytes,
    reply_to,
    start_topic,
    upload,
)
from tests.helpers import Client


def stored_files() -> set[str]:
    root = files.root()
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


async def api_upload(client: Client, board_id: int, name: str, data: bytes) -> object:
    return await client.http.post(
        f"/api/v1/boards/{board_id}/attachments",
        files={"file": (name, data)},
        headers={"X-CSRF-Token": await client.csrf()},
    )


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP_BODY = b"VP8 " + (10).to_bytes(4, "little") + bytes(10)
WEBP = b"RIFF" + (4 + len(WEBP_BODY)).to_bytes(4, "little") + b"WEBP" + WEBP_BODY


async def test_every_allowed_type_uploads_with_its_sniffed_type(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    cases = [
        ("照片.png", png_bytes(), "image/png", "image", "照片.png"),
        ("p.jpeg", jpeg_bytes(), "image/jpeg", "image", "p.jpg"),
        ("g.gif", GIF, "image/gif", "image", "g.gif"),
        ("w.webp", WEBP, "image/webp", "image", "w.webp"),
        ("学习材料.pdf", pdf_bytes(), "application/pdf", "document", "学习材料.pdf"),
        ("会议纪要.docx", docx_bytes(), files.DOCUMENT_TYPES["docx"], "document", "会议纪要.docx"),
        ("名单.xlsx", xlsx_bytes(), files.DOCUMENT_TYPES["xlsx"], "document", "名单.xlsx"),
        (
            "../../etc/说明.html",
            "纯文本说明\n".encode(),
            "text/plain; charset=utf-8",
            "document",
            "说明.txt",
        ),
    ]
    for name, data, content_type, kind, clean in cases:
        response = await api_upload(client, world.branch.id, name, data)
        assert response.status_code == 201, (name, response.text)  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        assert (body["content_type"], body["kind"], body["filename"]) == (content_type, kind, clean)
        assert body["markdown"].startswith("![" if kind == "image" else "[")
        assert body["url"] == f"/attachments/{body['id']}/" + body["url"].rsplit("/", 1)[1]
        row = await Attachment.get(id=body["id"])
        assert row.post_id is None and row.uploader_id == world.users["full"].id
        assert files.path_of(row.storage_key).read_bytes() == data or kind == "image"


async def test_upload_rights_follow_the_matrix(client: Client) -> None:
    world = await make_world()
    # Branch board: probationary+, org only, not sanctioned; other branches do not see it.
    expected = {
        "prob": 201,
        "full": 201,
        "activist": 403,
        "applicant": 403,
        "sanct": 403,
        "sibling": 404,
        "public": 404,
    }
    for username, status in expected.items():
        await client.login(username)
        response = await api_upload(client, world.branch.id, "a.png", png_bytes())
        assert response.status_code == status, username  # type: ignore[attr-defined]
        await client.logout()
    response = await api_upload(client, world.public.id, "a.png", png_bytes())
    assert response.status_code == 403  # visitors never upload  # type: ignore[attr-defined]
    assert await Attachment.all().count() == 2


async def test_wrong_or_dangerous_bytes_are_refused_and_nothing_is_written(
    client: Client,
) -> None:
    world = await make_world()
    await client.login("full")
    before = stored_files()
    marker = os.urandom(8).hex().encode()
    refused = {
        "exe.png": (b"MZ\x90\x00\x03\x00\x00\x00" + marker + bytes(64), "无法识别的文件类型"),
        "x.svg": (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG",
        ),
        "x.txt": (b"<!DOCTYPE html><html><script>alert(1)</script></html>" + marker, "HTML"),
        "poly.png": (png_bytes() + b"<script>alert(1)</script>" + marker, "多余数据"),
        "fake.jpg": (b"\xff\xd8\xff\xe0" + marker, "JPEG"),
        "zip.docx": (b"PK\x03\x04" + marker, "压缩文档已损坏"),
        "empty.txt": (b"", "文件为空"),
    }
    for name, (data, message) in refused.items():
        response = await api_upload(client, world.branch.id, name, data)
        assert response.status_code == 400, (name, response.text)  # type: ignore[attr-defined]
        assert message in response.json()["error"], name  # type: ignore[attr-defined]
    assert await Attachment.all().count() == 0
    assert stored_files() == before
    # The same refusal through the no-JS form: the page says why; no topic, no row, no file.
    response = await client.post_form(
        f"/forum/b/{world.branch.id}/new",
        {"title": "带附件的主题", "body": "见附件"},
        files={"files": ("恶意.png", refused["exe.png"][0])},
    )
    assert response.status_code == 400 and "恶意.png" in response.text
    assert "无法识别的文件类型" in response.text
    assert await Topic.all().count() == 0 and await Attachment.all().count() == 0
    assert stored_files() == before


async def test_oversize_uploads_are_413_with_a_clear_message(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    limit = get_settings().attachment_max_bytes
    before = stored_files()
    # One byte over the per-file limit (the request itself fits the upload route's limit).
    response = await api_upload(client, world.branch.id, "big.txt", b"a" * (limit + 1))
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert "每个附件不能超过 8 MB" in response.json()["error"]  # type: ignore[attr-defined]
    # A declared body above the route's limit is refused before it is read.
    response = await api_upload(client, world.branch.id, "huge.txt", b"a" * (limit + 100_000))
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.json()["status"] == 413  # type: ignore[attr-defined]

    # A chunked body (no Content-Length) is stopped once it passes the limit.
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        for _ in range(limit // 65536 + 4):
            yield b"a" * 65536

    response = await client.http.post(
        f"/api/v1/boards/{world.branch.id}/attachments",
        content=chunks(),
        headers={
            "X-CSRF-Token": await client.csrf(),
            "Content-Type": "multipart/form-data; boundary=xyz",
        },
    )
    assert response.status_code == 413
    # The no-JS compose form: a Chinese HTML page.
    response = await client.post_form(
        f"/t/{(await start_topic(world.branch, world.users['full'])).id}/reply",
        {"body": "附件太大"},
        files={"files": ("big.pdf", b"%PDF-" + b"a" * limit)},
    )
    assert response.status_code == 413 and "每个附件不能超过 8 MB" in response.text
    assert "<html" in response.text
    assert await Attachment.all().count() == 0 and stored_files() == before
    # Other forms keep the small default limit.
    response = await client.post_form("/forum/notifications/read", {"x": "a" * (3 << 20)})
    assert response.status_code == 413 and "提交的内容过大" in response.text


async def test_no_js_form_uploads_links_and_shows_files(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    response = await client.post_form(
        f"/forum/b/{world.branch.id}/new",
        {"title": "支部活动照片", "body": "活动现场"},
        files=[
            ("files", ("现场.png", png_bytes(), "image/png")),
            ("files", ("议程.pdf", pdf_bytes(), "application/pdf")),
        ],
    )
    assert response.status_code == 303, response.text
    topic = await Topic.get()
    post = await Post.get(topic_id=topic.id, number=1)
    image, pdf = await Attachment.all().order_by("id")
    assert image.post_id == post.id and pdf.post_id == post.id
    assert f"![现场.png](/attachments/{image.id}/" in post.body_raw
    assert f'<img src="/attachments/{image.id}/' in post.body_html
    assert 'alt="现场.png"' in post.body_html
    page = await client.get(f"/t/{topic.id}")
    assert f'src="/attachments/{image.id}/' in page.text
    assert 'class="post-files"' in page.text and "议程.pdf" in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'name="files"' in page.text
    # A reply with a file; then an edit adding another.
    response = await client.post_form(
        f"/t/{topic.id}/reply", {"body": "补充"}, files={"files": ("补充.txt", "说明".encode())}
    )
    assert response.status_code == 303
    reply = await Post.get(topic_id=topic.id, number=2)
    assert (await Attachment.get(filename="补充.txt")).post_id == reply.id
    response = await client.post_form(
        f"/t/{topic.id}/2/edit", {"body": reply.body_raw}, files={"files": ("g.gif", GIF)}
    )
    assert response.status_code == 303
    assert (await Attachment.get(filename="g.gif")).post_id == reply.id
    # Someone else's upload id in my text is not linked to my post.
    other = await upload(world.branch, world.users["full2"])
    await reply_to(topic, world.users["full"], f"![x](/attachments/{other.id}/a.png)")
    assert (await Attachment.get(id=other.id)).post_id is None


async def test_viewers_without_the_right_see_no_picker(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    await client.login("activist")  # may reply, may not attach
    page = await client.get(f"/t/{topic.id}/reply")
    assert page.status_code == 200 and 'name="files"' not in page.text
    response = await client.post_form(
        f"/t/{topic.id}/reply", {"body": "偷偷上传"}, files={"files": ("a.png", png_bytes())}
    )
    assert response.status_code == 403
    assert await Attachment.all().count() == 0


async def test_serving_follows_board_and_post_visibility_with_safe_headers(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    author = world.users["full"]
    topic = await start_topic(world.branch, author)
    image = await upload(world.branch, author, "图.png", png_bytes())
    pdf = await upload(world.branch, author, "材料.pdf", pdf_bytes())
    post = await reply_to(
        topic, author, f"![图](/attachments/{image.id}/a.png)\n[材料](/attachments/{pdf.id}/x.pdf)"
    )
    draft = await upload(world.branch, author, "草稿.png", png_bytes(size=3))

    await client.login("full2")
    response = await client.get(f"/attachments/{image.id}/图.png")
    assert response.status_code == 200 and response.content == png_bytes()
    headers = response.headers
    assert headers["content-type"] == "image/png"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "sandbox"
    assert headers["content-disposition"].startswith("inline")
    assert headers["cache-control"] == "private, no-cache"
    assert headers["etag"] == f'"{image.sha256}"'
    response = await client.get(f"/attachments/{pdf.id}/材料.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in response.headers["content-security-policy"]
    meta = (await client.get(f"/api/v1/attachments/{pdf.id}")).json()
    assert meta["post_id"] == post.id and meta["size"] == len(pdf_bytes())
    # Not yet in a post: only its uploader (and moderators).
    assert (await client.get(f"/attachments/{draft.id}/x.png")).status_code == 404
    # A member of another branch, and a visitor: the private board's files look missing.
    await other_client.login("sibling")
    assert (await other_client.get(f"/attachments/{image.id}/图.png")).status_code == 404
    assert (await other_client.get(f"/api/v1/attachments/{image.id}")).status_code == 404
    await other_client.logout()
    assert (await other_client.get(f"/attachments/{image.id}/图.png")).status_code == 404
    await other_client.login("full")
    assert (await other_client.get(f"/attachments/{draft.id}/x.png")).status_code == 200
    # A hidden post hides its files from members; the board's moderators still see them.
    await Post.filter(id=post.id).update(hidden=True)
    assert (await client.get(f"/attachments/{image.id}/图.png")).status_code == 404
    await other_client.logout()
    await other_client.login("sec")
    assert (await other_client.get(f"/attachments/{image.id}/图.png")).status_code == 200
    await Post.filter(id=post.id).update(hidden=False, deleted=True)
    assert (await client.get(f"/attachments/{image.id}/图.png")).status_code == 404
    assert (await client.get("/attachments/999999/x.png")).status_code == 404


async def test_metadata_is_stripped_from_images(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    gps = b"GPSLatitude=39.9042N;GPSLongitude=116.4074E"
    response = await api_upload(client, world.branch.id, "j.jpg", jpeg_bytes(exif=gps))
    jpeg = await Attachment.get(id=response.json()["id"])  # type: ignore[attr-defined]
    stored = files.path_of(jpeg.storage_key).read_bytes()
    assert b"GPSLatitude" not in stored and stored.startswith(b"\xff\xd8\xff\xe0")
    assert stored.endswith(b"\xff\xd9") and jpeg.size == len(stored)
    response = await api_upload(client, world.branch.id, "p.png", png_bytes(text=gps))
    png = await Attachment.get(id=response.json()["id"])  # type: ignore[attr-defined]
    stored = files.path_of(png.storage_key).read_bytes()
    assert b"GPSLatitude" not in stored and stored == png_bytes()


async def test_markdown_images_only_from_attachments(client: Client) -> None:
    world = await make_world()
    image = await upload(world.branch, world.users["full"])
    post = await reply_to(
        await start_topic(world.branch, world.users["full"]),
        world.users["full"],
        f"![ok](/attachments/{image.id}/a.png) ![no](https://evil.example/t.png) "
        "![no2](/logout) ![no3](//evil.example/a.png)",
    )
    assert f'src="/attachments/{image.id}/a.png"' in post.body_html
    assert post.body_html.count("src=") == 1


async def test_upload_rate_limit_and_openapi(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    limit = get_settings().attachment_hourly_limit
    for i in range(limit):
        await upload(world.branch, world.users["full"], data=png_bytes(size=i + 1))
    response = await api_upload(client, world.branch.id, "a.png", png_bytes())
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "每小时最多上传" in response.json()["error"]  # type: ignore[attr-defined]
    spec = (await client.get("/api/v1/openapi.json")).json()
    operation = spec["paths"]["/api/v1/boards/{board_id}/attachments"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["properties"]["file"] == {"type": "string", "format": "binary"}
    assert {"201", "400", "403", "404", "413", "429"} <= set(operation["responses"])
    assert "get" in spec["paths"]["/api/v1/attachments/{attachment_id}"]


async def test_moderator_soft_deletes_an_attachment_with_audit(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    pdf = await upload(world.branch, world.users["full"], "材料.pdf", pdf_bytes())
    image = await upload(world.branch, world.users["full"], "合影.png", png_bytes())
    await reply_to(
        topic,
        world.users["full"],
        f"[材料](/attachments/{pdf.id}/a.pdf) ![合影](/attachments/{image.id}/b.png)",
    )
    await client.login("full2")
    page = await client.get(f"/t/{topic.id}")
    assert "材料.pdf" in page.text and "合影.png" not in page.text  # images show inline only
    assert "删除附件" not in page.text
    assert (await client.post_form(f"/attachments/{pdf.id}/delete")).status_code == 403
    await client.logout()
    await client.login("sec")
    page = await client.get(f"/t/{topic.id}")
    assert page.text.count(">删除附件</button>") == 2 and "合影.png" in page.text
    # Without confirmed=1 the step asks first and changes nothing.
    asked = await client.post_form(f"/attachments/{pdf.id}/delete", {"reason": "违规"})
    assert asked.status_code == 200 and "确定删除" in asked.text
    assert not (await Attachment.get(id=pdf.id)).deleted
    response = await client.post_form(
        f"/attachments/{pdf.id}/delete", {"reason": "违规", "confirmed": "1"}
    )
    assert response.status_code == 303
    row = await Attachment.get(id=pdf.id)
    assert row.deleted and Path(files.path_of(row.storage_key)).exists()
    entry = await AuditEntry.get(action="attachment.deleted", target_id=str(pdf.id))
    assert entry.reason == "违规"
    await client.logout()
    await client.login("full2")
    assert (await client.get(f"/attachments/{pdf.id}/a.pdf")).status_code == 404
    assert "材料.pdf" not in (await client.get(f"/t/{topic.id}")).text
