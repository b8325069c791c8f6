"""The publishing pages: a township user uploads a village's workbook and
its pictures, sees every problem found (the same as ``feed build``
prints), fixes them, uploads again and publishes.

Routes:

- ``GET /publish``: the villages the user may publish for, and the blank
  template;
- ``GET /publish/template.xlsx``: the blank template;
- ``GET|POST /publish/{village}``: the upload form; an upload (multipart:
  ``workbook``, ``pictures`` — a zip of the picture folder or pictures
  one by one) is checked and the result shown;
- ``POST /publish/{village}/{upload}``: sign and publish a checked upload;
- ``GET /publish/{village}/{upload}/report.xlsx``: the workbook with its
  bad cells marked.

A request body over ``[hub] max_upload_mb`` is refused (413) before it is
read; the page's script says so before sending.
"""

from __future__ import annotations

import functools
import re
import tempfile
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from kiosk.hub import pages
from kiosk.hub.publishing import Checked, Published, Publisher
from kiosk.hub.sessions import current_user, to_login
from kiosk.hub.store import User, township_of
from kiosk.hub.uploads import Upload, UploadRefused, add_picture, unpack_pictures
from kiosk.sheets.write import TEMPLATE_NAME, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILES = 2_000  # pictures chosen one by one, in one upload
_VILLAGE = re.compile(r"^\d{12}$")


def _hub(request: Request):
    return request.app.state.hub


def _allowed(user: User, village: str) -> bool:
    return bool(_VILLAGE.match(village)) and (not user.township or township_of(village) == user.township)


def _gate(request: Request) -> tuple[User, Publisher | None] | Response:
    """The user and the publisher; the login page or "not found" instead."""
    user = current_user(request)
    if user is None:
        return to_login(request)
    village = request.path_params.get("village")
    if village is not None and not _allowed(user, village):
        return pages.render(request, "missing.html", status_code=404, user=user)
    return user, _hub(request).publisher


def _villages(request: Request, user: User) -> list[tuple[str, str, str, str]]:
    """(code, village name, township, newest version) of every village the
    user may publish for: those with a terminal or a published feed. Before
    its first version the hub knows no name, only the code."""
    hub = _hub(request)
    codes = {terminal.village for terminal in hub.store.terminals(user.township)}
    if hub.feeds.folder is not None and hub.feeds.folder.is_dir():
        codes |= {p.name for p in hub.feeds.folder.iterdir() if _VILLAGE.match(p.name) and _allowed(user, p.name)}
    rows = []
    for code in sorted(codes):
        feed = hub.feeds.newest(code)
        rows.append(
            (
                code,
                feed.name if feed else "",
                feed.township if feed else township_of(code),
                f"第 {feed.version} 版" if feed else "还没有发布",
            )
        )
    return rows


def publish_index(request: Request) -> Response:
    gate = _gate(request)
    if isinstance(gate, Response):
        return gate
    user, publisher = gate
    return pages.render(
        request, "publish_index.html", user=user, publisher=publisher, off=_hub(request).publish_off, villages=_villages(request, user)
    )


@functools.cache
def _template_bytes() -> bytes:
    with tempfile.TemporaryDirectory(prefix="hub-template-") as folder:
        return write_template(Path(folder)).read_bytes()


async def template(request: Request) -> Response:
    gate = _gate(request)
    if isinstance(gate, Response):
        return gate
    data = await run_in_threadpool(_template_bytes)
    return Response(data, media_type=XLSX, headers=_download(TEMPLATE_NAME))


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"workbook.xlsx\"; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"}


def _village_page(request: Request, user: User, publisher: Publisher | None, status_code: int = 200, **context) -> Response:
    village = request.path_params["village"]
    feed = _hub(request).feeds.newest(village)
    context.setdefault("checked", None)
    context.setdefault("upload", None)
    context.setdefault("published", None)
    context.setdefault("message", "")
    return pages.render(
        request,
        "publish_village.html",
        status_code=status_code,
        user=user,
        publisher=publisher,
        off=_hub(request).publish_off,
        village=village,
        village_name=feed.name if feed else "",
        newest=f"第 {feed.version} 版" if feed else "还没有发布",
        max_mb=publisher.max_upload_bytes // (1024 * 1024) if publisher else 0,
        **context,
    )


async def village_page(request: Request) -> Response:
    gate = _gate(request)
    if isinstance(gate, Response):
        return gate
    user, publisher = gate
    if request.method == "GET" or publisher is None:
        return _village_page(request, user, publisher)
    try:
        async with request.form(max_files=MAX_FILES, max_fields=20) as form:
            workbook = form.get("workbook")
            if not isinstance(workbook, UploadFile) or not workbook.filename:
                return _village_page(request, user, publisher, 400, message="请选择工作簿文件（.xlsx）")
            pictures = [item for item in form.getlist("pictures") if isinstance(item, UploadFile) and item.filename]
            upload = await run_in_threadpool(_receive, publisher, user, request.path_params["village"], workbook, pictures)
    except MultiPartException as exc:
        return _village_page(request, user, publisher, 400, message=f"上传的内容不完整（{exc.message}），请重新上传")
    except UploadRefused as exc:
        return _village_page(request, user, publisher, 400, message=str(exc))
    checked = await run_in_threadpool(publisher.check, upload)
    return _village_page(request, user, publisher, 422 if checked.problems else 200, checked=checked, upload=upload)


def _receive(publisher: Publisher, user: User, village: str, workbook: UploadFile, pictures: list[UploadFile]) -> Upload:
    """The files written to the upload's folder (in a worker thread: they
    may be large)."""
    upload = publisher.uploads.new(user.name, village, workbook.filename or "", workbook.file)
    try:
        for picture in pictures:
            if (picture.filename or "").lower().endswith(".zip"):
                archive = upload.folder / "pictures.zip"
                with archive.open("wb") as out:
                    while chunk := picture.file.read(1 << 20):
                        out.write(chunk)
                unpack_pictures(upload, archive, publisher.max_upload_bytes * 2)
                archive.unlink()
            else:
                add_picture(upload, picture.filename or "", picture.file)
    except UploadRefused:
        publisher.uploads.remove(upload)
        raise
    return upload


async def publish_upload(request: Request) -> Response:
    gate = _gate(request)
    if isinstance(gate, Response):
        return gate
    user, publisher = gate
    if publisher is None:
        return _village_page(request, user, publisher, 409)
    upload = publisher.uploads.find(request.path_params["upload"], user.name, request.path_params["village"])
    if upload is None:
        return _village_page(request, user, publisher, 404, message="这次上传已经发布过或者过期了，请重新上传")
    result = await run_in_threadpool(publisher.publish, upload)
    if isinstance(result, Checked):
        return _village_page(request, user, publisher, 422, checked=result, upload=upload)
    assert isinstance(result, Published)
    return _village_page(request, user, publisher, published=result)


def report(request: Request) -> Response:
    gate = _gate(request)
    if isinstance(gate, Response):
        return gate
    user, publisher = gate
    upload = publisher.uploads.find(request.path_params["upload"], user.name, request.path_params["village"]) if publisher else None
    if upload is None or not upload.report.is_file():
        return pages.render(request, "missing.html", status_code=404, user=user)
    name = f"{Path(upload.workbook_name).stem or '工作簿'}-错误报告.xlsx"
    return FileResponse(upload.report, media_type=XLSX, headers=_download(name))


def routes(max_body: int) -> list[Route]:
    return [
        Route("/publish", publish_index, methods=["GET"]),
        Route("/publish/template.xlsx", template, methods=["GET"]),
        Route("/publish/{village}", village_page, methods=["GET", "POST"], max_body_size=max_body),
        Route("/publish/{village}/{upload}", publish_upload, methods=["POST"], max_body_size=16 * 1024),
        Route("/publish/{village}/{upload}/report.xlsx", report, methods=["GET"]),
    ]
