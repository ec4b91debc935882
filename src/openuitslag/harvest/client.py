"""A polite and careful HTTP client for fetching from municipal websites.

The harvester visits some 345 websites run by small municipal teams, often
on a busy election night. It must never be the reason one of them slows
down, and a broken or hostile site must never stall or harm the harvest.
So every request goes through this client, which

- asks robots.txt first and obeys it (also its ``Crawl-delay``);
- sends one request at a time per host, with a minimum pause between them;
- says who it is (User-Agent with a contact URL);
- asks conditionally (If-None-Match / If-Modified-Since), so a site that
  has not changed answers with a few bytes;
- retries timeouts, connection failures and 5xx answers a few times with
  exponential backoff and jitter;
- follows redirects itself, a bounded number of times, refusing loops and
  non-HTTP schemes, and checks every hop's address (see ``guard``);
- stops reading a body that is too large, too slow, or would take the
  site over its byte budget.

What the body *is* is decided later from its bytes (``classify.sniff``),
never from the Content-Type header a server sends.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import httpx

from openuitslag.harvest.guard import AddressPolicy, AddressRefused, GuardedTransport

log = logging.getLogger("openuitslag.harvest")

USER_AGENT = (
    "openuitslag-harvester/0.1 (national portal of Dutch election results; "
    "+https://openuitslag.nl/harvester)"
)
ROBOTS_MAX_BYTES = 512 * 1024
ENV = "OPENUITSLAG_HARVEST"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ClientSettings:
    """Limits and manners of the client; the defaults suit production."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_seconds_per_download: float = 300.0
    max_redirects: int = 5
    max_file_bytes: int = 200 * 1024 * 1024
    max_site_bytes: int = 2 * 1024 * 1024 * 1024
    max_site_requests: int = 5000
    retries: int = 3
    backoff: float = 1.0
    backoff_cap: float = 30.0
    min_interval: float = 1.0
    max_crawl_delay: float = 30.0
    max_connections: int = 32

    @classmethod
    def from_env(cls) -> ClientSettings:
        """Return the defaults, with ``OPENUITSLAG_HARVEST_*`` overrides.

        ``_MIN_INTERVAL`` (seconds between requests to one host),
        ``_RETRIES``, ``_TIMEOUT`` (read timeout, seconds) and
        ``_MAX_FILE_MB``.
        """
        env = os.environ
        base = cls()
        return replace(
            base,
            min_interval=float(env.get(f"{ENV}_MIN_INTERVAL", base.min_interval)),
            retries=int(env.get(f"{ENV}_RETRIES", base.retries)),
            read_timeout=float(env.get(f"{ENV}_TIMEOUT", base.read_timeout)),
            max_file_bytes=int(
                float(env.get(f"{ENV}_MAX_FILE_MB", base.max_file_bytes / 2**20))
                * 2**20
            ),
        )


class FetchError(Exception):
    """A URL could not be fetched; ``reason`` is a full sentence."""

    code = "fetch.failed"

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class RobotsDisallowed(FetchError):
    """robots.txt of the site does not allow us to fetch this URL."""

    code = "fetch.robots"


class TooLarge(FetchError):
    """The body is larger than the file limit or the site's byte budget."""

    code = "fetch.too-large"


class TooSlow(FetchError):
    """The body did not arrive within the time allowed for one download."""

    code = "fetch.too-slow"


class Refused(FetchError):
    """The URL leads to an address the harvester may not connect to."""

    code = "fetch.refused"


class BadRedirect(FetchError):
    """Redirects loop, go on too long or lead away from HTTP(S)."""

    code = "fetch.redirect"


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    code = "fetch.status"


@dataclass(frozen=True)
class Validators:
    """What a server said about a version, to ask conditionally next time."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """Return the conditional request headers for these validators."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """One answer: 200 with the body, or 304 (not modified) without."""

    url: str
    final_url: str
    status: int
    data: bytes | None
    validators: Validators
    content_type: str | None
    fetched_at: dt.datetime
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        """Say whether the server answered 304 Not Modified."""
        return self.status == 304


@dataclass(frozen=True)
class _Answer:
    """A final (non-redirect) answer of one request."""

    status: int
    data: bytes | None
    validators: Validators
    content_type: str | None
    fetched_at: dt.datetime


@dataclass
class SiteBudget:
    """Bytes and requests a site may still take in this pass; counters."""

    limit: int
    max_requests: int = 5000
    used: int = 0
    requests: int = 0

    def count_request(self, url: str) -> None:
        """Count one more request, or refuse when the site has had enough."""
        if self.requests >= self.max_requests:
            raise TooLarge(
                url, f"The site needed more than {self.max_requests} requests."
            )
        self.requests += 1

    def take(self, url: str, size: int) -> None:
        """Count ``size`` more bytes, or refuse when the budget is spent."""
        self.used += size
        if self.used > self.limit:
            raise TooLarge(
                url, f"The site sent more than its budget of {self.limit} bytes."
            )


@dataclass
class _Host:
    """A host name: one request at a time, with a pause in between."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    delay: float = 0.0


@dataclass
class _Origin:
    """A scheme, host and port: what one robots.txt speaks for."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    robots: urllib.robotparser.RobotFileParser | None = None


class PoliteClient:
    """Fetch URLs the polite and careful way; safe to share among threads."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        policy: AddressPolicy | None = None,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.policy = policy or AddressPolicy.from_env()
        self._hosts: dict[str, _Host] = {}
        self._origins: dict[tuple[str, str, int | None], _Origin] = {}
        self._hosts_lock = threading.Lock()
        self.requests = 0
        self.bytes = 0
        self._http = self._make_http()

    def _make_http(self) -> httpx.Client:
        s = self.settings
        limits = httpx.Limits(
            max_connections=s.max_connections,
            max_keepalive_connections=s.max_connections,
        )
        return httpx.Client(
            transport=GuardedTransport(self.policy, limits=limits),
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip"},
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def budget(self) -> SiteBudget:
        """Return a fresh budget for one site's visit."""
        return SiteBudget(self.settings.max_site_bytes, self.settings.max_site_requests)

    def fetch(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        budget: SiteBudget | None = None,
    ) -> Fetched:
        """Fetch ``url``, following redirects, conditionally if possible.

        Raises a :class:`FetchError` subclass that says what went wrong.
        """
        budget = budget or self.budget()
        current = httpx.URL(url)
        seen = [str(current)]

        for _ in range(self.settings.max_redirects + 1):
            self._check_target(url, current)
            self._obey_robots(url, current, budget)
            answer = self._with_retries(current, validators, budget)
            if isinstance(answer, _Answer):
                return Fetched(
                    url=url,
                    final_url=str(current),
                    status=answer.status,
                    data=answer.data,
                    validators=answer.validators,
                    content_type=answer.content_type,
                    fetched_at=answer.fetched_at,
                    redirects=tuple(seen[1:]),
                )
            current = answer
            if str(current) in seen:
                raise BadRedirect(url, f"Redirects loop back to {current}.")
            seen.append(str(current))

        raise BadRedirect(
            url, f"More than {self.settings.max_redirects} redirects in a row."
        )

    def _check_target(self, url: str, current: httpx.URL) -> None:
        if current.scheme not in ("http", "https"):
            raise BadRedirect(url, f"Will not follow a link to {current.scheme}:.")
        try:
            self.policy.check_url(current)
        except AddressRefused as exc:
            raise Refused(url, str(exc)) from exc

    # -- robots.txt ------------------------------------------------------

    def _obey_robots(self, url: str, target: httpx.URL, budget: SiteBudget) -> None:
        origin = self._origin(target)
        with origin.lock:
            if origin.robots is None:
                origin.robots, delay = self._read_robots(target, budget)
                host = self._host(target)
                host.delay = max(host.delay, delay)
        if not origin.robots.can_fetch(self.settings.user_agent, str(target)):
            raise RobotsDisallowed(
                url, f"robots.txt of {target.host} does not allow fetching {target}."
            )

    def _read_robots(
        self, target: httpx.URL, budget: SiteBudget
    ) -> tuple[urllib.robotparser.RobotFileParser, float]:
        robots_url = target.copy_with(path="/robots.txt", query=None, fragment=None)
        parser = urllib.robotparser.RobotFileParser(str(robots_url))
        try:
            answer = self._with_retries(robots_url, None, budget, ROBOTS_MAX_BYTES)
        except HTTPStatusError as exc:
            status = exc.status or 0
            closed = status in (401, 403) or status >= 500
            parser.parse(["User-agent: *", "Disallow: /"] if closed else [])
            return parser, 0.0
        except TooLarge:
            parser.parse([])
            return parser, 0.0

        if not isinstance(answer, _Answer):
            parser.parse([])
            return parser, 0.0
        text = (answer.data or b"").decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.settings.user_agent) or 0.0
        return parser, min(float(delay), self.settings.max_crawl_delay)

    # -- one request, with retries ---------------------------------------

    def _with_retries(
        self,
        target: httpx.URL,
        validators: Validators | None,
        budget: SiteBudget,
        max_bytes: int | None = None,
    ) -> _Answer | httpx.URL:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return self._once(target, validators, budget, max_bytes)
            except _Retryable as exc:
                if attempt + 1 == attempts:
                    raise exc.final from None
                pause = self._backoff(attempt, exc.retry_after)
                log.info(
                    "retry url=%s attempt=%d pause=%.2f reason=%s",
                    target,
                    attempt + 1,
                    pause,
                    exc.final.reason,
                )
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        s = self.settings
        ceiling = min(s.backoff_cap, s.backoff * 2**attempt)
        pause = random.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            pause = max(pause, min(retry_after, s.backoff_cap))
        return pause

    def _once(
        self,
        target: httpx.URL,
        validators: Validators | None,
        budget: SiteBudget,
        max_bytes: int | None,
    ) -> _Answer | httpx.URL:
        headers = validators.headers() if validators else {}
        limit = min(max_bytes or self.settings.max_file_bytes, budget.limit)
        started = time.monotonic()

        budget.count_request(str(target))
        with self._turn(target):
            self.requests += 1
            try:
                with self._http.stream("GET", target, headers=headers) as response:
                    result = self._read(target, response, limit, budget, started)
            except httpx.TimeoutException as exc:
                raise _Retryable(
                    FetchError(str(target), f"Timed out ({exc}).")
                ) from exc
            except httpx.TransportError as exc:
                raise self._transport_error(target, exc) from exc

        log.info(
            "GET url=%s status=%s ms=%.0f",
            target,
            result.status if isinstance(result, _Answer) else "redirect",
            (time.monotonic() - started) * 1000,
        )
        return result

    def _transport_error(
        self, target: httpx.URL, exc: httpx.TransportError
    ) -> Exception:
        if str(exc).startswith("Refused to connect"):
            return Refused(str(target), str(exc))
        return _Retryable(FetchError(str(target), f"Connection failed ({exc})."))

    def _read(
        self,
        target: httpx.URL,
        response: httpx.Response,
        limit: int,
        budget: SiteBudget,
        started: float,
    ) -> _Answer | httpx.URL:
        status = response.status_code
        if status in (301, 302, 303, 307, 308) and "location" in response.headers:
            return target.join(response.headers["location"])
        if status in RETRY_STATUSES:
            raise _Retryable(
                HTTPStatusError(str(target), f"The server answered {status}.", status),
                _retry_after(response),
            )
        if status >= 400:
            raise HTTPStatusError(str(target), f"The server answered {status}.", status)

        data = None
        if status != 304:
            data = self._body(target, response, limit, budget, started)
        return _Answer(
            status=status,
            data=data,
            validators=Validators(
                response.headers.get("etag"), response.headers.get("last-modified")
            ),
            content_type=response.headers.get("content-type"),
            fetched_at=dt.datetime.now(dt.UTC),
        )

    def _body(
        self,
        target: httpx.URL,
        response: httpx.Response,
        limit: int,
        budget: SiteBudget,
        started: float,
    ) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(
                str(target), f"The file is {declared} bytes; the limit is {limit}."
            )

        deadline = started + self.settings.max_seconds_per_download
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            budget.take(str(target), len(chunk))
            self.bytes += len(chunk)
            if size > limit:
                raise TooLarge(str(target), f"The file exceeds the limit of {limit}.")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise _Retryable(
                    TooSlow(
                        str(target),
                        "The body did not arrive within "
                        f"{self.settings.max_seconds_per_download:g} seconds.",
                    )
                )
        return b"".join(chunks)

    # -- politeness per host ---------------------------------------------

    def _host(self, target: httpx.URL) -> _Host:
        with self._hosts_lock:
            return self._hosts.setdefault(target.host, _Host())

    def _origin(self, target: httpx.URL) -> _Origin:
        key = (target.scheme, target.host, target.port)
        with self._hosts_lock:
            return self._origins.setdefault(key, _Origin())

    @contextmanager
    def _turn(self, target: httpx.URL) -> Iterator[None]:
        """Hold the host's lock and keep the pause between its requests."""
        host = self._host(target)
        with host.lock:
            wait = host.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                pause = max(self.settings.min_interval, host.delay)
                host.next_at = time.monotonic() + pause


class _Retryable(Exception):
    """A failure worth another try; ``final`` is raised when tries run out."""

    def __init__(self, final: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(final))
        self.final = final
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
