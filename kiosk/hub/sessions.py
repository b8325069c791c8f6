"""Who is asking: the session cookie's user, or the way to the login page."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kiosk.hub import accounts
from kiosk.hub.store import User

SESSION_COOKIE = "hub_session"


def current_user(request: Request) -> User | None:
    hub = request.app.state.hub
    return accounts.session_user(hub.store, request.cookies.get(SESSION_COOKIE), hub.now())


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
