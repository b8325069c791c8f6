"""Who may look: logins, the lock-out, sessions, and township users who
see only their own villages. Real HTTP against the hub on 127.0.0.1."""

from __future__ import annotations

import re

import httpx
import pytest

from kiosk.hub import accounts
from kiosk.hub.app import SESSION_COOKIE
from support.hub_fixtures import PASSWORD

pytestmark = pytest.mark.slow  # the hub in a process of its own, the lock-out's waits

QINGSHI, BAIXI = "431322199", "431322101"


def _shown(page: str) -> list[str]:
    """The terminals in the page's table."""
    table = page.split('<table class="terminals">', 1)[1]
    return re.findall(r'<tr data-terminal="([^"]+)"', table)


def _report(hub, terminal_id: str, village: str) -> None:
    reporter = hub.reporter(terminal_id, village, hub.issue(terminal_id, village))
    reporter.usage.record_view("home")
    assert reporter.tick().delivered


def test_pages_need_a_login(sqlite_hub):
    for path, target in (("/", "%2F"), ("/terminals/T-1", "%2Fterminals%2FT-1"), ("/?township=431322199", "%2F%3Ftownship%3D431322199")):
        response = httpx.get(f"{sqlite_hub.url}{path}")
        assert response.status_code == 303 and response.headers["location"] == f"/login?next={target}"
    login = httpx.get(f"{sqlite_hub.url}/login")
    assert login.status_code == 200 and "登录" in login.text
    assert httpx.get(f"{sqlite_hub.url}/health").text == "ok\n"


def test_login_session_and_logout(sqlite_hub):
    sqlite_hub.add_user("wang")
    client = httpx.Client(base_url=sqlite_hub.url)
    response = client.post("/login?next=%2Fterminals%2FT-9", data={"name": "wang", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/terminals/T-9"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and PASSWORD not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "wang（全县）" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/terminals/T-9").status_code == 404  # no such terminal
    session = client.cookies[SESSION_COOKIE]
    assert client.post("/logout").status_code == 303
    again = httpx.get(f"{sqlite_hub.url}/", cookies={SESSION_COOKIE: session})
    assert again.status_code == 303  # the old cookie is worth nothing now


def test_a_redirect_after_login_stays_on_this_site(sqlite_hub):
    sqlite_hub.add_user("wang")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = httpx.post(f"{sqlite_hub.url}/login", data={"name": "wang", "password": PASSWORD, "next": target})
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_wrong_passwords_lock_the_account(sqlite_hub):
    sqlite_hub.add_user("wang")
    url = f"{sqlite_hub.url}/login"
    for _ in range(accounts.MAX_FAILURES - 1):
        refused = httpx.post(url, data={"name": "wang", "password": "wrong-password"}, timeout=30)
        assert refused.status_code == 401 and "用户名或密码不对" in refused.text
    locked = httpx.post(url, data={"name": "wang", "password": "wrong-password"}, timeout=30)
    assert locked.status_code == 429 and "已锁定" in locked.text and "15 分钟" in locked.text
    right_but_locked = httpx.post(url, data={"name": "wang", "password": PASSWORD}, timeout=30)
    assert right_but_locked.status_code == 429  # even the right password while locked
    unknown = httpx.post(url, data={"name": "nobody", "password": PASSWORD}, timeout=30)
    assert unknown.status_code == 401 and "用户名或密码不对" in unknown.text  # the same words as a wrong password
    sqlite_hub.clock.offset = accounts.LOCK_S + 1
    assert httpx.post(url, data={"name": "wang", "password": PASSWORD}, timeout=30).status_code == 303


def test_a_township_user_sees_only_its_villages(sqlite_hub):
    _report(sqlite_hub, "QS-1", QINGSHI + "206")
    _report(sqlite_hub, "BX-1", BAIXI + "203")
    sqlite_hub.add_user("li", township=QINGSHI)
    sqlite_hub.add_user("wang")
    li = sqlite_hub.login("li")
    assert _shown(li.get("/").text) == ["QS-1"]
    assert _shown(li.get(f"/?township={BAIXI}").text) == []  # asking for another township shows nothing of it
    assert li.get("/terminals/QS-1").status_code == 200
    other = li.get("/terminals/BX-1")
    assert other.status_code == 404 and "BX-1" not in other.text  # as if it did not exist
    wang = sqlite_hub.login("wang")
    assert sorted(_shown(wang.get("/").text)) == ["BX-1", "QS-1"]
    assert _shown(wang.get(f"/?township={BAIXI}").text) == ["BX-1"]
    assert wang.get("/terminals/BX-1").status_code == 200
