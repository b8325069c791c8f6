"""The hub's web application (Starlette).

Starlette because it is small, well kept and does only what the hub needs
(routing, requests, responses, Jinja2 pages, a per-route body limit) on
the ASGI standard; it comes from the same people as httpx, which the
terminals already use. uvicorn serves it (``kiosk.hub.server``).

Routes:

- ``POST /terminals/{id}/heartbeat``, and ``POST /heartbeat`` for a
  terminal whose ``[heartbeat] url`` names no id (the id is then the
  body's): the terminals' reports, with their bearer tokens;
- ``GET /``: the status page; ``GET /terminals/{id}``: one terminal;
- ``GET|POST /login``, ``POST /logout``; ``GET /health``;
- ``/publish…``: publishing a village's workbook (``kiosk.hub.publish_pages``).

The database is used from worker threads (``run_in_threadpool`` or sync
endpoints): its calls block.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk.hub import accounts, fleet, ingest, pages, publish_pages, status, wording
from kiosk.hub.config import HubConfig
from kiosk.hub.feeds import FeedIndex
from kiosk.hub.publishing import Publisher
from kiosk.hub.sessions import SESSION_COOKIE, current_user, to_login
from kiosk.hub.store import Store, StoreUnavailable
from kiosk.hub.tokens import bearer_token, token_hash
from kiosk.ops.heartbeat import MAX_BODY_BYTES
from kiosk.ops.logs import log_event

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 16 * 1024
PRUNE_EVERY_S = 3600
HISTORY_DAYS = 7
RETRY_AFTER_S = "30"


class Hub:
    """What every request needs: the store, the configuration, the feeds
    and the clock (tests move it)."""

    def __init__(self, store: Store, config: HubConfig, clock: Callable[[], float] = time.time):
        self.store = store
        self.config = config
        self.feeds = FeedIndex(config.feed_dir)
        self.clock = clock
        # Publishing from workbooks: on when the feed folder and a key only
        # this user can read are configured; else why not.
        self.publisher, self.publish_off = Publisher.open(config)

    def now(self) -> int:
        return int(self.clock())

    def prune(self) -> int:
        now = self.now()
        before = now - self.config.keep_days * 86400
        return self.store.prune(before, status.day_of(before, self.config.zone), now)


# ------------------------------------------------------------ heartbeats


def _refuse(status_code: int, reason: str, terminal: str | None = None) -> Response:
    log_event(log, "hub.heartbeat_refused", logging.WARNING, status=status_code, terminal=terminal, reason=reason)
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status_code == 401 else None
    if status_code == 503:
        headers = {"Retry-After": RETRY_AFTER_S}
    return JSONResponse({"error": reason}, status_code=status_code, headers=headers)


async def heartbeat(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    named = request.path_params.get("terminal_id")
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return _refuse(401, "a terminal token is required: Authorization: Bearer <token>", named)
    try:
        holder = await run_in_threadpool(hub.store.token_holder, token_hash(token))
    except StoreUnavailable as exc:
        return _refuse(503, str(exc), named)
    if holder is None:
        return _refuse(401, "unknown or revoked token", named)
    terminal_id, village = holder
    if named is not None and named != terminal_id:
        return _refuse(403, f"this token is not terminal {named}'s", terminal_id)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return _refuse(415, "the body must be application/json", terminal_id)
    body = await request.body()  # over MAX_BODY_BYTES: 413, by the route's limit
    try:
        beat = ingest.decode_heartbeat(body)
    except ingest.BadBody as exc:
        return _refuse(exc.status, str(exc), terminal_id)
    if beat.terminal_id != terminal_id:
        return _refuse(403, f"the body is terminal {beat.terminal_id}'s; this token is {terminal_id}'s", terminal_id)
    if beat.village != village:
        return _refuse(403, f"the body says village {beat.village}; this terminal is registered in {village}", terminal_id)
    received = hub.now()
    try:
        new, repeated = await run_in_threadpool(
            hub.store.record_heartbeat,
            terminal_id,
            ingest.beat_of(beat, received),
            ingest.periods_of(beat, received, hub.config.zone),
            ingest.sync_error_of(beat),
            ingest.rollback_of(beat),
            ingest.update_of(beat),
        )
    except StoreUnavailable as exc:
        return _refuse(503, str(exc), terminal_id)
    return JSONResponse({"stored": True, "periods_new": new, "periods_repeated": repeated})


# ------------------------------------------------------------ people


def _safe_next(target: str) -> str:
    """Only a path on this site: never a redirect to somewhere else."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def status_page(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    user = current_user(request)
    if user is None:
        return to_login(request)
    now = hub.now()
    township = request.query_params.get("township", "")
    visible = hub.store.terminals(user.township)
    usage = hub.store.usage_by_screen(status.week_start(now, hub.config.zone), user.township)
    page = status.overview(visible, hub.feeds, usage, now, hub.config, township, fleet.Selection.of(request.query_params))
    return pages.render(request, "status.html", user=user, page=page, now=wording.clock(now, hub.config.zone), config=hub.config)


def terminal_page(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    user = current_user(request)
    if user is None:
        return to_login(request)
    terminal = hub.store.terminal(request.path_params["terminal_id"])
    # Another township's terminal is "not found", as one that does not
    # exist: the answer does not tell which ids exist elsewhere.
    if terminal is None or (user.township and terminal.township != user.township):
        return pages.render(request, "missing.html", status_code=404, user=user)
    now = hub.now()
    since = status.week_start(now, hub.config.zone)
    namer = status.Namer(hub.feeds, [terminal.village])
    by_day = hub.store.usage_by_day(terminal.id, since)
    view = status.terminal_view(terminal, namer, _screens(by_day), now, hub.config)
    return pages.render(
        request,
        "terminal.html",
        user=user,
        terminal=view,
        software=pages.software_facts(terminal, now, hub.config.zone),
        now=wording.clock(now, hub.config.zone),
        history=pages.history_rows(hub.store.history(terminal.id, now - HISTORY_DAYS * 86400), now, hub.config.zone),
        errors=pages.error_rows(hub.store.sync_errors(terminal.id), now, hub.config.zone),
        days=pages.usage_days(by_day, since),
        items=hub.store.top_items(terminal.id, since),
        section_of=status.section_of,
    )


def _screens(by_day: list[tuple[str, str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for _day, screen, views in by_day:
        totals[screen] = totals.get(screen, 0) + views
    return totals


async def login(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    target = _safe_next(request.query_params.get("next", "/"))
    if request.method == "GET":
        return pages.render(request, "login.html", next=target, message="", name="")
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    name = form.get("name", [""])[0].strip()
    password = form.get("password", [""])[0]
    target = _safe_next(form.get("next", [target])[0])
    result = await run_in_threadpool(accounts.log_in, hub.store, name, password, hub.now())
    if result.outcome is accounts.Login.ACCEPTED:
        assert result.user is not None  # an accepted login names its user
        cookie = await run_in_threadpool(accounts.start_session, hub.store, result.user, hub.now(), hub.config.session_hours)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=int(hub.config.session_hours * 3600),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response
    log_event(log, "hub.login_refused", logging.WARNING, user=name, outcome=result.outcome.value)
    if result.outcome is accounts.Login.LOCKED:
        message = f"连续输错密码 {accounts.MAX_FAILURES} 次，此账号已锁定，请 {wording.duration(result.locked_for_s)}后再试"
        return pages.render(request, "login.html", status_code=429, next=target, message=message, name=name)
    return pages.render(request, "login.html", status_code=401, next=target, message="用户名或密码不对", name=name)


async def logout(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    await run_in_threadpool(accounts.end_session, hub.store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def health(request: Request) -> Response:
    hub: Hub = request.app.state.hub
    try:
        hub.store.user("")
    except StoreUnavailable as exc:
        return PlainTextResponse(f"database unavailable: {exc}\n", status_code=503)
    return PlainTextResponse("ok\n")


# ------------------------------------------------------------ the app


async def _prune_hourly(hub: Hub) -> None:
    while True:
        try:
            removed = await run_in_threadpool(hub.prune)
            if removed:
                log_event(log, "hub.pruned", heartbeats=removed, older_than_days=hub.config.keep_days)
        except StoreUnavailable as exc:
            log_event(log, "hub.prune_skipped", logging.WARNING, error=exc)
        await asyncio.sleep(PRUNE_EVERY_S)


def config_body_limit(config: HubConfig) -> int:
    """An upload's workbook and pictures, and the form around them."""
    return config.max_upload_mb * 1024 * 1024 + MAX_FORM_BYTES


def create_app(hub: Hub) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        pruning = asyncio.create_task(_prune_hourly(hub))
        try:
            yield
        finally:
            pruning.cancel()

    routes = [
        Route("/terminals/{terminal_id}/heartbeat", heartbeat, methods=["POST"], max_body_size=MAX_BODY_BYTES),
        Route("/heartbeat", heartbeat, methods=["POST"], max_body_size=MAX_BODY_BYTES),
        Route("/", status_page, methods=["GET"]),
        Route("/terminals/{terminal_id}", terminal_page, methods=["GET"]),
        Route("/login", login, methods=["GET", "POST"], max_body_size=MAX_FORM_BYTES),
        Route("/logout", logout, methods=["POST"], max_body_size=MAX_FORM_BYTES),
        Route("/health", health, methods=["GET"]),
        *publish_pages.routes(config_body_limit(hub.config)),
        Mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.hub = hub
    return app
