"""uvicorn serving the hub.

uvicorn: the reference ASGI server, well kept, pure Python by default (h11,
asyncio), and fast enough by a wide margin (docs/OPERATIONS.md §9 has the
figures); one process is one core. ``HubServer`` runs it on a thread with a
socket bound beforehand, for the demo, the benchmark and the tests.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

from kiosk.hub.config import HubConfig

GRACEFUL_S = 5  # a stop waits this long for requests under way


def uvicorn_config(app: Starlette, config: HubConfig) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        log_level="warning",
        access_log=False,  # one line per heartbeat would bury what matters
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_S,
        ssl_certfile=config.tls_cert or None,
        ssl_keyfile=config.tls_key or None,
    )


def serve(app: Starlette, config: HubConfig) -> None:
    """Serve until SIGINT or SIGTERM."""
    uvicorn.Server(uvicorn_config(app, config)).run()


class HubServer:
    """The hub on a thread of this process, on ``host`` (port chosen by the
    system unless given)."""

    def __init__(self, app: Starlette, config: HubConfig, host: str = "127.0.0.1", port: int = 0):
        self._socket = socket.create_server((host, port))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._server = uvicorn.Server(uvicorn_config(app, config))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, name="hub", daemon=True)

    def start(self, timeout: float = 30.0) -> HubServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(GRACEFUL_S + 5)
        self._socket.close()
