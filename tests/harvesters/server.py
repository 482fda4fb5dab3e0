"""A local HTTP server on 127.0.0.1 for the harvest tests.

Routes map a path (query string apart) to a fixed answer or to a handler
``handler(request) -> Answer``; handlers emulate APIs (CKAN, OpenDataSoft,
udata, CSW paging) and inject faults (delays, resets, truncated bodies).
Every request is recorded.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def fixture_bytes(*path: str) -> bytes:
    with open(os.path.join(FIXTURES, *path), "rb") as stream:
        return stream.read()


def fixture_json(*path: str) -> Any:
    return json.loads(fixture_bytes(*path))


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (timeouts).
    delay: float = 0
    #: "reset": close the connection with a TCP reset, no answer;
    #: "truncate": announce the full length, send half, close.
    fault: str | None = None


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


def json_answer(document: Any, status: int = 200, **headers) -> Answer:
    return Answer(
        status,
        json.dumps(document).encode("utf-8"),
        {"Content-Type": "application/json", **headers},
    )


class LocalServer:
    def __init__(self):
        self.routes: dict[str, Answer | Callable[[Request], Answer]] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                request = Request(
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                )
                server.requests.append(request)
                route = server.routes.get(parts.path)
                if route is None:
                    answer = Answer(404, b"not found", {"Content-Type": "text/plain"})
                else:
                    answer = route(request) if callable(route) else route
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.fault == "reset":
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                headers = {"Content-Type": "application/octet-stream", **answer.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                if answer.fault == "truncate":
                    self.send_header("Connection", "close")
                self.end_headers()
                if answer.fault == "truncate":
                    self.wfile.write(answer.body[: len(answer.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(answer.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, route: Answer | Callable[[Request], Answer]) -> str:
        self.routes[path] = route
        return self.url(path)

    def add_file(self, path: str, fixture: str, content_type: str) -> str:
        return self.add(
            path, Answer(200, fixture_bytes(*fixture.split("/")), {"Content-Type": content_type})
        )

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)
