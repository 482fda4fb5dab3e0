"""The guarded HTTP client: timeouts, size cap, retries, SSRF guard."""

from __future__ import annotations

import os

import pytest

from ckanext.territoires.harvesters.config import DEMO_DIR, ClientOptions
from ckanext.territoires.harvesters.http import (
    FetchError,
    HarvestClient,
    InvalidDocument,
    parse_retry_after,
)
from ckanext.territoires.harvesters.ssrf import ForbiddenURL, Guard
from tests.harvesters.server import Answer, json_answer

#: The client's options in these tests (no CKAN config here): the local
#: servers allowed, short timeouts, fast retries.
OPTIONS = {
    "allowed_hosts": ("127.0.0.1",),
    "local_roots": (DEMO_DIR,),
    "connect_timeout": 2,
    "read_timeout": 0.5,
    "total_timeout": 5,
    "max_bytes": 50 * 1024 * 1024,
    "retries": 2,
    "backoff": 0.01,
    "max_retry_after": 120.0,
}


def client(**options) -> tuple[HarvestClient, list[float]]:
    slept: list[float] = []
    return HarvestClient(ClientOptions(**{**OPTIONS, **options}), sleep=slept.append), slept


def test_json_document(server):
    url = server.add("/doc", json_answer({"a": 1}))
    assert client()[0].get_json(url) == {"a": 1}


def test_5xx_is_retried_then_reported(server):
    url = server.add("/doc", Answer(500, b"boom"))
    http, slept = client()
    with pytest.raises(FetchError) as error:
        http.get(url)
    assert "HTTP 500" in str(error.value) and "3 attempts" in str(error.value)
    assert server.hits("/doc") == 3 and slept == [0.01, 0.02]
    assert error.value.status == 500  # the last answer's status, kept


@pytest.mark.parametrize("status", [404, 410])
def test_an_http_error_carries_its_status(server, status):
    url = server.add("/doc", Answer(status, b"gone"))
    with pytest.raises(FetchError) as error:
        client()[0].get(url)
    assert error.value.status == status
    assert f"HTTP {status}" in str(error.value)


def test_an_error_without_an_answer_has_no_status(server):
    with pytest.raises(FetchError) as error:
        client(retries=0)[0].get("http://127.0.0.1:9/nothing")
    assert error.value.status is None


def test_503_retry_after_is_honoured(server):
    answers = iter([Answer(503, b"", {"Retry-After": "7"}), json_answer({"ok": True})])
    url = server.add("/doc", lambda request: next(answers))
    http, slept = client()
    assert http.get_json(url) == {"ok": True}
    assert slept == [7.0]


def test_429_with_too_long_retry_after_gives_up_at_once(server):
    url = server.add("/doc", Answer(429, b"", {"Retry-After": "3600"}))
    http, slept = client(max_retry_after=60)
    with pytest.raises(FetchError) as error:
        http.get(url)
    assert "3600" in str(error.value) and slept == [] and server.hits("/doc") == 1


def test_retry_after_as_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("soon") is None


def test_timeout(server):
    url = server.add("/slow", Answer(200, b"late", delay=1.5))
    with pytest.raises(FetchError) as error:
        client(retries=0)[0].get(url)
    assert "did not answer in time" in str(error.value)


def test_connection_reset_is_retried_then_reported(server):
    url = server.add("/reset", Answer(fault="reset"))
    with pytest.raises(FetchError) as error:
        client()[0].get(url)
    assert "Cannot connect" in str(error.value) or "reset" in str(error.value)
    assert server.hits("/reset") == 3


def test_truncated_body(server):
    url = server.add("/cut", Answer(200, b"x" * 10000, fault="truncate"))
    with pytest.raises(FetchError) as error:
        client(retries=1)[0].get(url)
    assert "truncated" in str(error.value)
    assert server.hits("/cut") == 2


def test_oversize_body_is_refused(server):
    url = server.add("/big", Answer(200, b"x" * 5000))
    with pytest.raises(FetchError) as error:
        client(max_bytes=1000)[0].get(url)
    assert "too large" in str(error.value)


def test_invalid_utf8(server):
    url = server.add(
        "/bad", Answer(200, b'{"title": "caf\xe9 \xff"}', {"Content-Type": "application/json"})
    )
    with pytest.raises(InvalidDocument) as error:
        client()[0].get_json(url)
    assert "not valid UTF-8" in str(error.value) and "byte 14" in str(error.value)


def test_redirects_are_followed_and_loops_stopped(server):
    server.add("/a", Answer(302, b"", {"Location": "/b"}))
    server.add("/b", Answer(302, b"", {"Location": "/a"}))
    final = server.add("/c", json_answer([1]))
    server.add("/d", Answer(301, b"", {"Location": final}))
    http = client()[0]
    assert http.get_json(server.url("/d")) == [1]
    with pytest.raises(FetchError) as error:
        http.get(server.url("/a"))
    assert "Redirect loop" in str(error.value)


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://10.1.2.3/",
    ],
)
def test_redirect_to_a_non_public_address_is_refused(server, target):
    # The source host is allowed by name; where it redirects is not.
    server.add("/secret", json_answer({"secret": True}))
    server.add("/go", Answer(302, b"", {"Location": target.format(port=server.port)}))
    http = client(allowed_hosts=("localhost",))[0]
    with pytest.raises(ForbiddenURL) as error:
        http.get(server.url("/go", host="localhost"))
    assert "non-public address" in str(error.value)
    assert server.hits("/secret") == 0


def test_source_on_a_private_address_is_refused_unless_allowed(server):
    url = server.add("/doc", json_answer({}))
    with pytest.raises(ForbiddenURL):
        client(allowed_hosts=())[0].get(url)
    assert client(allowed_hosts=("127.0.0.0/8",))[0].get_json(url) == {}
    assert server.hits("/doc") == 1


def test_other_schemes_are_refused():
    for url in ("ftp://example.org/x", "gopher://127.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(ForbiddenURL):
            client()[0].get(url)


def test_local_files_only_inside_the_roots(tmp_path):
    inside = tmp_path / "catalogue.ttl"
    inside.write_text("<a> <b> <c> .")
    http = client(local_roots=(str(tmp_path),))[0]
    assert http.get(inside.as_uri()).content_type == "text/turtle"
    with pytest.raises(ForbiddenURL):
        http.get((tmp_path / ".." / "elsewhere.ttl").resolve().as_uri())
    assert (
        client(local_roots=(DEMO_DIR,))[0]
        .get("file://" + os.path.join(DEMO_DIR, "catalogue.ttl"))
        .content
    )


def test_peer_check_defeats_dns_rebinding():
    guard = Guard(("127.0.0.1",))
    guard.check_peer("data.example.org", "93.184.216.34")
    guard.check_peer("data.example.org", "127.0.0.1")  # allow-listed address
    for peer in ("10.0.0.1", "169.254.169.254", "::ffff:192.168.1.1", "fd00:ec2::254"):
        with pytest.raises(ForbiddenURL):
            guard.check_peer("data.example.org", peer)


class _Drip:
    """A local HTTP server announcing 400 bytes and sending one every 0.05 s
    (20 s in all); it counts what it could send before the client left."""

    def __init__(self):
        import socket
        import threading

        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d/drip" % self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        import time

        connection, _ = self.listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n")
        try:
            for _ in range(400):
                connection.sendall(b"x")
                self.sent += 1
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            connection.close()
            self.listener.close()


def test_slow_drip_is_cut_at_the_total_timeout():
    """read_timeout never trips (a byte every 0.05 s); the deadline does, and
    the client leaves long before the source has sent everything."""
    drip = _Drip()
    http, _slept = client(total_timeout=1, read_timeout=0.5, retries=2)
    with pytest.raises(FetchError) as error:
        http.get(drip.url)
    assert "took more than 1 s" in str(error.value)
    drip.thread.join(30)
    assert drip.sent < 400  # left at the deadline, not at the end of the body


def test_stop_callback_ends_a_download():
    drip = _Drip()
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 3

    http = HarvestClient(ClientOptions(**{**OPTIONS, "total_timeout": 30}), stop=stop)
    with pytest.raises(FetchError) as error:
        http.get(drip.url)
    assert "closed" in str(error.value)
    drip.thread.join(30)
    assert drip.sent < 400
