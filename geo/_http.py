"""HTTP for the online geocoders: bounded requests and a bounded policy around them.

:class:`BoundedAdapter` is a geopy adapter (the interface geopy's geocoder classes call)
over ``requests`` that gives every request a connect timeout, a read timeout and a
deadline for the whole answer, refuses answers over :data:`MAX_ANSWER_BYTES`, and makes
no hidden retries of its own.

:class:`CallPolicy` wraps every request of one service in a run: it spaces requests
(the minimum delay), retries what may succeed on a second try (connection errors,
timeouts, HTTP 408, 429 and 5xx) a bounded number of times with a doubling backoff —
never another 4xx —, keeps the service inside its time budget, and switches the service
off after a run of failures. It logs one line per problem, never a traceback.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
import urllib3.exceptions
from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeopyError,
)
from geopy.exc import GeocoderUnavailable as Unreachable

from .errors import GeocodeBadAnswer, GeocoderUnavailable

log = logging.getLogger(__name__)

#: an answer larger than this is refused (a geocoding answer is a few kB)
MAX_ANSWER_BYTES = 2_000_000
#: the longest ``Retry-After`` of a 429 answer that is waited for
MAX_RETRY_AFTER_S = 60.0
T = TypeVar("T")


class BoundedAdapter(BaseSyncAdapter):  # type: ignore[misc]
    """A geopy sync adapter with separate connect and read timeouts and a deadline per request.

    geopy passes each request's ``timeout``; here it is the deadline of the whole answer
    (connection, headers and body), which :class:`CallPolicy` sets from what remains of
    the service's budget.

    Parameters
    ----------
    proxies : dict or None
        As geopy passes them; ``None`` uses the environment's (``HTTPS_PROXY``, ``NO_PROXY``),
        as ``requests`` does.
    ssl_context
        Not used: ``requests`` verifies certificates against its CA bundle.
    connect_timeout, read_timeout : float
        Seconds to wait for the connection, and for each read of the answer.
    """

    def __init__(self, *, proxies: dict[str, str] | None, ssl_context: Any, connect_timeout: float,
                 read_timeout: float) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.session = requests.Session()
        self.session.trust_env = proxies is None
        if proxies:
            self.session.proxies.update(proxies)

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        """The parsed JSON answer of a GET request."""
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except ValueError as err:
            raise GeocoderParseError(f"the answer is not JSON: {text[:80]!r}") from err

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        """The text of a GET request's answer, within the deadline ``timeout`` (seconds).

        Redirects are not followed: an API answer that redirects is an error.
        """
        deadline = time.monotonic() + timeout
        phases = (min(self.connect_timeout, timeout), min(self.read_timeout, timeout))
        try:
            with self.session.get(url, headers=headers, timeout=phases, stream=True, allow_redirects=False) as resp:
                body = bytearray()
                # one receive at a time (each waits at most the read timeout), so the deadline holds
                # even for a server that trickles its answer
                while chunk := resp.raw.read1(16_384, decode_content=True):
                    body.extend(chunk)
                    if len(body) > MAX_ANSWER_BYTES:
                        raise GeocoderParseError(f"the answer is larger than {MAX_ANSWER_BYTES:,} bytes")
                    if time.monotonic() > deadline:
                        raise GeocoderTimedOut(f"the answer was not complete within {timeout:.1f} s")
                status, encoding, answer_headers = resp.status_code, resp.encoding, resp.headers
        except GeopyError:
            raise  # ours, from the loop above
        except (requests.Timeout, urllib3.exceptions.TimeoutError) as err:
            raise GeocoderTimedOut(f"timed out ({_reason(err)})") from err
        except (requests.ConnectionError, urllib3.exceptions.HTTPError) as err:  # refused, reset, DNS, cut off
            raise Unreachable(f"cannot reach the service ({_reason(err)})") from err
        except requests.RequestException as err:  # a bad URL and the like
            raise GeocoderServiceError(f"request failed ({_reason(err)})") from err
        except OSError as err:  # a socket error requests did not wrap
            raise Unreachable(f"cannot reach the service ({_reason(err)})") from err
        try:
            text = bytes(body).decode(encoding or "utf-8")
        except (LookupError, UnicodeDecodeError) as err:
            raise GeocoderParseError(f"the answer is not {encoding or 'utf-8'} text") from err
        if status >= 300:
            raise AdapterHTTPError(f"HTTP {status}", status_code=status,
                                   headers={k.lower(): v for k, v in answer_headers.items()}, text=text)
        return text


def _reason(err: BaseException) -> str:
    """The innermost reason of a requests error, on one line."""
    while err.__context__ is not None and not str(err):
        err = err.__context__
    return " ".join(str(err).split())[:200] or type(err).__name__


def adapter_factory(connect_timeout: float, read_timeout: float) -> Callable[..., BoundedAdapter]:
    """A geopy ``adapter_factory`` building :class:`BoundedAdapter` with these timeouts."""

    def factory(*, proxies: dict[str, str] | None, ssl_context: Any) -> BoundedAdapter:
        return BoundedAdapter(proxies=proxies, ssl_context=ssl_context, connect_timeout=connect_timeout,
                              read_timeout=read_timeout)

    return factory


def http_status(err: BaseException) -> int | None:
    """The HTTP status behind a geopy error, if it came from an HTTP answer."""
    cause = err.__cause__
    return cause.status_code if isinstance(cause, AdapterHTTPError) else None


def retriable(err: BaseException) -> bool:
    """Whether a failed request may succeed when repeated: a connection error, a timeout, HTTP 408,
    429 or 5xx. Any other 4xx (a bad query, a refused key, a quota) is final."""
    status = http_status(err)
    if status is not None:
        return status in (408, 429) or status >= 500
    return isinstance(err, GeocoderTimedOut | Unreachable)


def _final_for_the_run(err: BaseException) -> bool:
    """A refused key or spent quota: no further query of the run can succeed."""
    return isinstance(err, GeocoderAuthenticationFailure | GeocoderInsufficientPrivileges) or (
        isinstance(err, GeocoderQuotaExceeded) and not isinstance(err, GeocoderRateLimited))


class CallPolicy:
    """Pacing, bounded retries, a time budget and a switch-off for the requests to one service.

    Parameters
    ----------
    label : str
        The service's name in messages.
    min_delay : float
        Seconds between the starts of two requests, at least.
    attempts : int
        Tries per query (1 = no retry).
    backoff : float
        Pause before the first retry; doubled for each further one.
    budget : float
        Seconds the service may take in this run, from the first request on.
    max_failures : int
        Consecutive failed queries after which the service is switched off.
    request_timeout : float
        Longest deadline of one request (it is also cut to what remains of the budget).
    clock, sleep
        ``time.monotonic`` and ``time.sleep``; tests pass a fake pair.
    """

    def __init__(self, label: str, *, min_delay: float, attempts: int, backoff: float, budget: float,
                 max_failures: int, request_timeout: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.label = label
        self.min_delay = min_delay
        self.attempts = attempts
        self.backoff = backoff
        self.budget = budget
        self.max_failures = max_failures
        self.request_timeout = request_timeout
        self._clock = clock
        self._sleep = sleep
        self._started: float | None = None
        self._last: float | None = None
        self.failures = 0
        self.off_reason = ""

    def _remaining(self) -> float:
        if self._started is None:
            self._started = self._clock()
        return self.budget - (self._clock() - self._started)

    def _switch_off(self, reason: str) -> None:
        self.off_reason = reason
        log.warning("%s switched off for the rest of this run: %s; its cached answers are still used",
                    self.label, reason)

    def _wait(self, seconds: float) -> bool:
        """Pause ``seconds`` (and the spacing since the last request) unless that overruns the
        budget; ``False`` when the budget does not allow it."""
        if self._last is not None:
            seconds = max(seconds, self._last + self.min_delay - self._clock())
        if seconds > 0:
            if seconds >= self._remaining():
                return False
            self._sleep(seconds)
        return True

    def call(self, fn: Callable[[float], T], what: str) -> T:
        """Run ``fn(deadline_seconds)`` under the policy.

        Raises
        ------
        GeocoderUnavailable
            The service is switched off, or the query failed on every attempt (or on a
            final error); the message says why, on one line.
        GeocodeBadAnswer
            From ``fn``: the answer was unusable (counted as a failure, not retried).
        """
        if self.off_reason:
            raise GeocoderUnavailable(f"{self.label} not asked: switched off ({self.off_reason})")
        error: GeopyError | None = None
        tries = 0
        pause = 0.0
        for attempt in range(1, self.attempts + 1):
            if not self._wait(pause) or self._remaining() <= 0:
                self._switch_off(f"its time budget of {self.budget:g} s (CPM_SERVICE_BUDGET) is spent")
                break
            self._last = self._clock()
            tries = attempt
            try:
                result = fn(max(0.01, min(self.request_timeout, self._remaining())))
            except GeocodeBadAnswer as err:
                self._failed(str(err))
                raise
            except GeopyError as err:
                error = err
                if attempt == self.attempts or not retriable(err):
                    break
                pause = self.backoff * 2 ** (attempt - 1)
                if isinstance(err, GeocoderRateLimited) and err.retry_after:
                    pause = max(pause, min(float(err.retry_after), MAX_RETRY_AFTER_S))
                log.debug("%s: %r attempt %d failed (%s); retrying in %.1f s", self.label, what, attempt, err, pause)
                continue
            self.failures = 0
            return result
        if error is None:  # the budget was spent before the first attempt
            raise GeocoderUnavailable(f"{self.label} not asked: switched off ({self.off_reason})")
        reason = _one_line(error)
        self._failed(f"no answer for {what!r}: {reason} (after {tries} attempt(s))")
        if not self.off_reason and _final_for_the_run(error):
            self._switch_off(f"it refused the request: {reason}")
        raise GeocoderUnavailable(f"{self.label} failed for {what!r} after {tries} attempt(s): {reason}") from error

    def _failed(self, problem: str) -> None:
        self.failures += 1
        log.warning("%s: %s", self.label, problem)
        if not self.off_reason and self.failures >= self.max_failures:
            self._switch_off(f"{self.failures} consecutive failures (CPM_MAX_FAILURES={self.max_failures})")


def _one_line(err: BaseException) -> str:
    """The error's message on one line, cut to 200 characters (a body may be quoted in it)."""
    return " ".join(str(err).split())[:200] or type(err).__name__
