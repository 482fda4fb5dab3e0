"""HTTP client of the harvesters: timeouts, size cap, retries, SSRF guard.

Every request of every harvester goes through :class:`HarvestClient`:

- connect and read timeouts, plus a deadline for the whole download (a
  source sending one byte a minute never trips a read timeout);
- a size cap on the decoded body (a gzip bomb counts at its real size);
- retries with exponential backoff after connection errors, timeouts,
  truncated bodies, 5xx and 429 answers, honouring ``Retry-After`` up to a
  limit;
- redirects followed by hand, each target checked by the SSRF guard
  (:mod:`.ssrf`), loops and long chains refused; the address really
  connected to is checked too;
- no proxy from the environment (the guard must see the real peer);
- ``file://`` URLs only inside the configured local roots (the demo).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError

from . import config
from .messages import N_, HarvestProblem
from .ssrf import ForbiddenURL, Guard

MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024


class FetchError(HarvestProblem):
    """A document could not be read from a source; ``status`` is the HTTP
    status of the source's answer (None when there was none: timeout,
    connection refused...)."""

    def __init__(self, msgid: str, *, status: int | None = None, **params: Any):
        if status is not None and "%(status)" in msgid:
            params["status"] = status
        super().__init__(msgid, **params)
        self.status = status


def _status(problem: HarvestProblem) -> int | None:
    return problem.status if isinstance(problem, FetchError) else None


class InvalidDocument(HarvestProblem):
    """A document was read but is not what it claims to be (JSON, UTF-8...)."""


class _Transient(Exception):
    """A failure worth another attempt; ``message`` says what happened."""

    def __init__(self, message: HarvestProblem, retry_after: float | None = None):
        super().__init__(str(message))
        self.problem = message
        self.retry_after = retry_after


@dataclass
class Fetched:
    """A document read from a source."""

    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.headers.get("content-type") or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None

    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8, strictly."""
        encoding = self.charset or "utf-8"
        try:
            return self.content.decode(encoding)
        except UnicodeDecodeError as error:
            raise InvalidDocument(
                N_("%(url)s is not valid %(encoding)s text (byte %(position)s)."),
                url=self.url,
                encoding=encoding.upper(),
                position=error.start,
            ) from error
        except LookupError:
            raise InvalidDocument(
                N_("%(url)s declares an unknown charset %(encoding)s."),
                url=self.url,
                encoding=encoding,
            ) from None

    def json(self) -> Any:
        text = self.text()
        try:
            return json.loads(text)
        except ValueError as error:
            raise InvalidDocument(
                N_("%(url)s is not valid JSON: %(error)s"), url=self.url, error=str(error)
            ) from error


def _guarded(base: type, guard: Guard) -> type:
    class GuardedConnection(base):
        def _new_conn(self):
            sock = super()._new_conn()
            try:
                guard.check_peer(self.host, sock.getpeername()[0])
            except ForbiddenURL:
                sock.close()
                raise
            return sock

    return GuardedConnection


class _GuardedAdapter(HTTPAdapter):
    """Checks the address of every connection it opens."""

    def __init__(self, guard: Guard):
        self._guard = guard
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        guard = self._guard

        class GuardedHTTPPool(HTTPConnectionPool):
            ConnectionCls = _guarded(HTTPConnection, guard)

        class GuardedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = _guarded(HTTPSConnection, guard)

        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPPool,
            "https": GuardedHTTPSPool,
        }
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


def _user_agent() -> str:
    import ckan.plugins.toolkit as tk

    site = tk.config.get("ckan.site_url") or ""
    return (
        f"ckanext-territoires-harvester/1 (+{site})" if site else "ckanext-territoires-harvester/1"
    )


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


class HarvestClient:
    """Reads documents from harvest sources, safely (see the module doc)."""

    def __init__(
        self,
        options: config.ClientOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
        stop: Callable[[], bool] | None = None,
    ):
        self.options = options or config.client_options()
        self.guard = Guard(self.options.allowed_hosts)
        self.sleep = sleep
        #: Asked between reads: True when the worker must stop (its job was
        #: closed as stale, :mod:`.stale`).
        self.stop = stop
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy: the guard must see the real peer
        adapter = _GuardedAdapter(self.guard)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = _user_agent()
        #: Requests made, for reports and tests.
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- public ---------------------------------------------------------

    def get(self, url: str, params: dict | None = None, accept: str | None = None) -> Fetched:
        """GET ``url`` (with query ``params``); raise :class:`FetchError` or
        :class:`~.ssrf.ForbiddenURL` when it cannot be read."""
        if params:
            url = requests.Request("GET", url, params=params).prepare().url or url
        if urlsplit(url).scheme == "file":
            return self._read_file(url)
        headers = {"Accept": accept} if accept else {}
        attempt = 0
        while True:
            try:
                fetched = self._follow(url, headers)
                if fetched.status in RETRY_STATUSES:
                    raise _Transient(
                        FetchError(
                            N_("%(url)s answered HTTP %(status)s."),
                            url=fetched.url,
                            status=fetched.status,
                        ),
                        parse_retry_after(fetched.headers.get("retry-after")),
                    )
                if fetched.status >= 400:
                    raise FetchError(
                        N_("%(url)s answered HTTP %(status)s."),
                        url=fetched.url,
                        status=fetched.status,
                    )
                return fetched
            except _Transient as transient:
                attempt += 1
                if attempt > self.options.retries:
                    raise FetchError(
                        N_("%(error)s Given up after %(attempts)s attempts."),
                        error=transient.problem.message,
                        attempts=attempt,
                        status=_status(transient.problem),
                    ) from transient
                delay = transient.retry_after
                if delay is not None and delay > self.options.max_retry_after:
                    raise FetchError(
                        N_(
                            "%(error)s The source asks to retry in %(seconds)s s, longer than "
                            "the %(limit)s s allowed."
                        ),
                        error=transient.problem.message,
                        seconds=int(delay),
                        limit=int(self.options.max_retry_after),
                        status=_status(transient.problem),
                    ) from transient
                if delay is None:
                    delay = self.options.backoff * (2 ** (attempt - 1))
                self.sleep(delay)

    def get_json(self, url: str, params: dict | None = None) -> Any:
        return self.get(url, params, accept="application/json").json()

    # -- internals ------------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        visited: list[str] = []
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if current in visited:
                raise FetchError(
                    N_("Redirect loop: %(url)s redirects back to %(target)s."),
                    url=url,
                    target=current,
                )
            visited.append(current)
            self.guard.check_url(current)
            response = self._request(current, headers)
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    current = urljoin(current, location)
                    continue
                content = self._read_body(response, current)
                return Fetched(
                    current,
                    response.status_code,
                    {k.lower(): v for k, v in response.headers.items()},
                    content,
                )
            finally:
                response.close()
        raise FetchError(
            N_("Too many redirects (more than %(count)s) from %(url)s."),
            url=url,
            count=MAX_REDIRECTS,
        )

    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        self.requests_made += 1
        try:
            return self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.options.connect_timeout, self.options.read_timeout),
            )
        except requests.Timeout:
            raise _Transient(FetchError(N_("%(url)s did not answer in time."), url=url)) from None
        except requests.ConnectionError as error:
            raise _Transient(
                FetchError(
                    N_("Cannot connect to %(url)s: %(error)s"), url=url, error=_reason(error)
                )
            ) from error
        except requests.RequestException as error:
            raise FetchError(
                N_("Cannot read %(url)s: %(error)s"), url=url, error=_reason(error)
            ) from error

    def _read_body(self, response: requests.Response, url: str) -> bytes:
        limit = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(
                N_("%(url)s is too large: %(size)s bytes, the limit is %(limit)s."),
                url=url,
                size=int(declared),
                limit=limit,
            )
        deadline = time.monotonic() + self.options.total_timeout
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                # read1: whatever has arrived, at most CHUNK; each read waits
                # at most read_timeout and never past the deadline, so a
                # source dripping bytes cannot hold the worker longer.
                self._before_read(response, url, deadline)
                chunk = response.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        N_("%(url)s is too large: more than %(limit)s bytes."), url=url, limit=limit
                    )
                chunks.append(chunk)
        except (ReadTimeoutError, requests.Timeout):
            if time.monotonic() >= deadline:
                raise self._too_slow(url) from None
            raise _Transient(FetchError(N_("%(url)s did not answer in time."), url=url)) from None
        except urllib3_exceptions.DecodeError as error:
            raise FetchError(
                N_("%(url)s sent a body that cannot be decompressed: %(error)s"),
                url=url,
                error=_reason(error),
            ) from error
        except (urllib3_exceptions.ProtocolError, http.client.IncompleteRead) as error:
            raise _Transient(
                FetchError(
                    N_("%(url)s sent a truncated answer: %(error)s"), url=url, error=_reason(error)
                )
            ) from error
        except (requests.ConnectionError, urllib3_exceptions.HTTPError, OSError) as error:
            raise _Transient(
                FetchError(
                    N_("Cannot connect to %(url)s: %(error)s"), url=url, error=_reason(error)
                )
            ) from error
        return b"".join(chunks)

    def _too_slow(self, url: str) -> FetchError:
        """Past the deadline: not retried (the total stays within the limit)."""
        return FetchError(
            N_("%(url)s took more than %(seconds)s s to download."),
            url=url,
            seconds=int(self.options.total_timeout),
        )

    def _before_read(self, response: requests.Response, url: str, deadline: float) -> None:
        """Stop if asked to or past the deadline; else bound the next read."""
        if self.stop is not None and self.stop():
            raise FetchError(N_("The harvest job was closed: this download was stopped."))
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._too_slow(url)
        sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
        if sock is not None:
            sock.settimeout(max(0.05, min(self.options.read_timeout, remaining)))

    def _read_file(self, url: str) -> Fetched:
        path = local_path(url, self.options.local_roots)
        try:
            size = os.path.getsize(path)
            if size > self.options.max_bytes:
                raise FetchError(
                    N_("%(url)s is too large: %(size)s bytes, the limit is %(limit)s."),
                    url=url,
                    size=size,
                    limit=self.options.max_bytes,
                )
            with open(path, "rb") as stream:
                content = stream.read()
        except OSError as error:
            raise FetchError(
                N_("Cannot read %(url)s: %(error)s"), url=url, error=error.strerror or str(error)
            ) from error
        return Fetched(url, 200, {"content-type": _type_of(path)}, content)


def local_path(url: str, local_roots: tuple[str, ...]) -> str:
    """The file a ``file://`` URL names; :class:`~.ssrf.ForbiddenURL` when it
    is outside the local roots."""
    path = os.path.realpath(url2pathname(urlsplit(url).path))
    roots = [os.path.realpath(root) for root in local_roots if root]
    if not any(os.path.commonpath([path, root]) == root for root in roots):
        raise ForbiddenURL(
            N_(
                "Refused URL %(url)s: local files are read only inside "
                "ckanext.territoires.harvest.local_roots."
            ),
            url=url,
        )
    return path


def check_url(url: str, options: config.ClientOptions | None = None) -> None:
    """Refuse, before any request, a URL :meth:`HarvestClient.get` would
    refuse: :class:`~.ssrf.ForbiddenURL` for a scheme other than http(s), a
    host that does not resolve or resolves to a non-public address (unless
    allowed), a local file outside the local roots. Redirects and the
    address really connected to are checked again when reading."""
    options = options or config.client_options()
    if urlsplit(url).scheme == "file":
        local_path(url, options.local_roots)
        return
    Guard(options.allowed_hosts).check_url(url)


_TYPES = {
    ".ttl": "text/turtle",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".n3": "text/n3",
    ".nt": "application/n-triples",
}


def _type_of(path: str) -> str:
    return _TYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")


def _reason(error: Exception) -> str:
    """The innermost cause of a requests/urllib3 error, briefly."""
    seen: BaseException = error
    while seen.__context__ is not None and seen.__context__ is not seen:
        seen = seen.__context__
    args = getattr(seen, "args", None)
    text = str(args[0]) if args else str(seen)
    if "reset" in text.lower() or isinstance(seen, ConnectionResetError):
        return "connection reset"
    return text[:200] or seen.__class__.__name__
