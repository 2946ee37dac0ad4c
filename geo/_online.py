"""Online geocoders through geopy: off by default, cached on disk, region-scoped, bounded.

One small class per service on a common base, :class:`OnlineProvider`. Each asks its
service for candidates, converts them from the service's datum to WGS-84 (Nominatim and
ArcGIS answer in WGS-84, Baidu in BD-09), keeps those inside the region's polygon (and
the county's, when given) that are finer than a county point, and answers only when
exactly one place remains: several distinct candidates are an ambiguity, never
silently resolved.

Requests are wrapped from outside: a persistent JSON cache keyed on the whole request,
read first and always (a rerun makes no request; a service that is down or switched off
still answers from it), then the service's :class:`~geo._http.CallPolicy` (spacing —
Nominatim at most one request per second with an identifying user agent —, bounded
retries, a time budget, a switch-off after repeated failures) around a
:class:`~geo._http.BoundedAdapter` (connect and read timeouts). A damaged cache entry or
an unusable answer is reported on one log line and counts as no answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ._atomic import atomic_write_text
from .crs import TargetCRS, point_to_wgs84
from .errors import GeocodeAmbiguous, GeocodeBadAnswer, GeocodeNotFound, GeocoderUnavailable, SettingsError
from .providers import GeocodeResult, ProviderContext, distinct_places
from .vocabulary import Precision

if TYPE_CHECKING:
    from typing import Self

    from ._http import CallPolicy
    from .boundaries import AdminAreas
    from .catalog import Project
    from .settings import Settings

log = logging.getLogger(__name__)

#: seconds between two Nominatim requests, at least (its usage policy)
NOMINATIM_MIN_DELAY = 1.0
#: bump when the cached record changes shape or meaning, so old entries are not read as new ones
CACHE_VERSION = 2
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One answer of a service, in the service's own datum; checked when built.

    Raises
    ------
    TypeError, ValueError
        A field of the wrong type, or coordinates that are not finite degrees.
    """

    lon: float
    lat: float
    label: str
    kind: str
    exact: bool = True

    def __post_init__(self) -> None:
        for name in ("lon", "lat"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{name} {value!r} is not a finite number")
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            raise ValueError(f"({self.lon}, {self.lat}) is not a longitude and latitude")
        if not isinstance(self.label, str) or not isinstance(self.kind, str) or not isinstance(self.exact, bool):
            raise TypeError("label and kind must be text and exact a boolean")

    @classmethod
    def from_json(cls, item: object) -> Candidate:
        """A candidate from its cached record."""
        if not isinstance(item, dict):
            raise TypeError("a candidate is not a JSON object")
        return cls(item["lon"], item["lat"], item["label"], item["kind"], item["exact"])


class DiskCache:
    """A folder of JSON files, one per request key; atomic writes; damaged entries are skipped."""

    def __init__(self, folder: Path, label: str) -> None:
        self.folder = folder
        self.label = label

    def path(self, key: str) -> Path:
        """The file of ``key``."""
        return self.folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"

    def get(self, key: str, query: str) -> list[Candidate] | None:
        """The cached candidates of ``key``, or ``None`` when there is no usable entry.

        A damaged entry (unreadable, not JSON, another request's, malformed candidates) is
        reported on one warning line and treated as absent.
        """
        path = self.path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or record.get("key") != key:
                raise ValueError("it holds no record of this request")
            items = record["candidates"]
            if not isinstance(items, list):
                raise TypeError("its candidates are not a list")
            return [Candidate.from_json(item) for item in items]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as err:  # JSONDecodeError and UnicodeError are ValueErrors
            reason = " ".join(str(err).split())[:120] or type(err).__name__
            log.warning("%s: damaged cache entry %s for %r (%s: %s); ignored, the query is asked again",
                        self.label, path, query, type(err).__name__, reason)
            return None

    def put(self, key: str, candidates: list[Candidate]) -> None:
        """Store the candidates of ``key``; a failed write is reported and the answer still used."""
        text = json.dumps({"key": key, "candidates": [asdict(c) for c in candidates]}, ensure_ascii=False,
                          sort_keys=True, indent=1) + "\n"
        try:
            atomic_write_text(self.path(key), text)
        except OSError as err:
            log.warning("%s: cannot store the answer in %s (%s); it is used but not cached", self.label,
                        self.folder, err)


def _text(raw: dict[str, Any], name: str) -> str:
    """A text field of an answer ('' when absent); anything else is a malformed answer."""
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"field {name!r} is {type(value).__name__}, not text")
    return value


class OnlineProvider:
    """A geopy geocoder made region-scoped, datum-aware, cached and bounded: the common base.

    A service class sets the class attributes and implements :meth:`_build`, :meth:`_ask`
    and :meth:`_kind`.

    Parameters
    ----------
    settings : Settings
        ``online_geocoding`` must be on; timeouts, retries, budget, delay, user agent,
        key and cache folder come from here.
    areas : AdminAreas
    adapter_factory : optional
        A geopy adapter factory (tests pass one that serves recorded responses); by
        default :class:`~geo._http.BoundedAdapter` with the settings' timeouts.
    clock, sleep : optional
        ``time.monotonic`` and ``time.sleep`` (tests pass a fake pair).

    Raises
    ------
    GeocoderUnavailable
        Online geocoding is off.
    SettingsError
        The service cannot be used with these settings (no key, no identifying agent).
    """

    name: ClassVar[str]
    label: ClassVar[str]
    online: ClassVar[bool] = True
    datum: ClassVar[TargetCRS] = TargetCRS.WGS84
    #: answer types that name a town or village: the answer is a town point
    town_types: ClassVar[frozenset[str]] = frozenset()
    #: answer types no finer than the county or region point the admin fallback gives: refused
    coarse_types: ClassVar[frozenset[str]] = frozenset()
    #: the least delay between two requests, whatever the settings say
    min_delay_floor: ClassVar[float] = 0.0
    scheme: ClassVar[str] = "https"
    domain: ClassVar[str] = ""

    def __init__(self, settings: Settings, areas: AdminAreas, *, adapter_factory: Any = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if not settings.online_geocoding:
            raise GeocoderUnavailable("online geocoding is off (set CPM_ONLINE_GEOCODING=1 or pass --online)")
        self.check_settings(settings)
        from ._http import CallPolicy
        from ._http import adapter_factory as bounded

        self.settings = settings
        self.areas = areas
        self.cache = DiskCache(settings.geocode_cache_dir / self.name, self.label)
        request_timeout = settings.connect_timeout_seconds + settings.read_timeout_seconds
        self.policy: CallPolicy = CallPolicy(
            self.label, min_delay=max(settings.min_delay_seconds, self.min_delay_floor),
            attempts=settings.request_attempts, backoff=settings.retry_backoff_seconds,
            budget=settings.service_budget_seconds, max_failures=settings.max_failures,
            request_timeout=request_timeout, clock=clock, sleep=sleep)
        self._adapter_factory = adapter_factory or bounded(settings.connect_timeout_seconds,
                                                           settings.read_timeout_seconds)
        self._request_timeout = request_timeout
        self._geocoder: Any = None

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """The provider for the context's settings and polygons."""
        return cls(context.settings, context.areas)

    @classmethod
    def check_settings(cls, settings: Settings) -> None:
        """Raise :class:`SettingsError` when the settings do not allow this service."""

    @classmethod
    def answer_precision(cls, kind: str, exact: bool = True) -> Precision | None:
        """The precision an answer of ``kind`` supports, or ``None`` when it is too coarse to use.

        Every service must say what it found: an answer without a type is refused, and so
        is one the service marks as not exact (Baidu's ``precise = 0``: a guess from part
        of the address).
        """
        if not kind or kind in cls.coarse_types or not exact:
            return None
        return Precision.TOWN if kind in cls.town_types else Precision.SITE

    def queries(self, project: Project) -> tuple[str, ...]:
        """The name, then the place words as the plan gives them (never fragments of them:
        "学校、机关" would find some school somewhere in the region). A named programme
        covers an area: it is not searched."""
        if project.is_programme:
            return ()
        return tuple(dict.fromkeys(q.strip() for q in (project.name_zh, project.place_text) if q.strip()))

    # --- what a service class provides -------------------------------------------------------

    def _build(self, **kwargs: Any) -> Any:
        """The geopy geocoder (``kwargs``: ``timeout`` and ``adapter_factory``)."""
        raise NotImplementedError

    def _ask(self, geocoder: Any, query: str, bounds: Bounds, timeout: float) -> list[Any]:
        """The geopy locations answering ``query`` (``bounds``: the region's box)."""
        raise NotImplementedError

    def _kind(self, raw: dict[str, Any]) -> tuple[str, bool]:
        """The answer's type and whether the service marks it exact."""
        raise NotImplementedError

    # --- shared -------------------------------------------------------------------------------

    def _candidate(self, location: Any) -> Candidate:
        raw = location.raw
        if not isinstance(raw, dict):
            raise TypeError("an answer is not a JSON object")
        kind, exact = self._kind(raw)
        return Candidate(float(location.longitude), float(location.latitude), str(location.address or ""), kind,
                         exact)

    def _fetch(self, query: str, bounds: Bounds, timeout: float) -> list[Candidate]:
        from geopy.exc import GeocoderParseError, GeopyError

        if self._geocoder is None:
            self._geocoder = self._build(timeout=self._request_timeout, adapter_factory=self._adapter_factory)
        try:
            return [self._candidate(loc) for loc in self._ask(self._geocoder, query, bounds, timeout)]
        except GeocoderParseError as err:
            raise GeocodeBadAnswer(f"unusable answer for {query!r}: {err}") from err
        except GeopyError:
            raise  # the policy decides: retry, or give up
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:  # geopy's parsing and ours
            raise GeocodeBadAnswer(f"malformed answer for {query!r} ({type(err).__name__}: {err})") from err

    def _candidates(self, query: str, region: str) -> list[Candidate]:
        bounds = self.areas.bounds(region)
        # the key holds everything the request depends on: a changed request is a new one
        key = f"v{CACHE_VERSION}|{self.name}|{region}|{','.join(f'{b:.4f}' for b in bounds)}|{query}"
        cached = self.cache.get(key, query)
        if cached is not None:
            return cached
        candidates = self.policy.call(lambda timeout: self._fetch(query, bounds, timeout), query)
        self.cache.put(key, candidates)
        return candidates

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """Ask the service (or its cache); keep candidates inside the region (and county) that are
        finer than a county point; answer if exactly one place remains.

        Raises
        ------
        GeocodeNotFound
            No candidate remains (:class:`~geo.errors.GeocodeBadAnswer`: the answer was unusable).
        GeocodeAmbiguous
            Several distinct candidates remain.
        GeocoderUnavailable
            The service failed, or is switched off and the query is not cached.
        """
        if region not in self.areas.regions:
            raise GeocodeNotFound(f"unknown region {region!r}")
        inside: list[tuple[float, float, Candidate]] = []
        for cand in self._candidates(query, region):
            if self.answer_precision(cand.kind, cand.exact) is None:
                continue
            x, y = point_to_wgs84(cand.lon, cand.lat, self.datum)
            lon, lat = round(x, 6), round(y, 6)
            if not self.areas.contains(region, lon, lat):
                continue
            if county and not self.areas.county_contains(county, lon, lat):
                continue
            inside.append((lon, lat, cand))
        if not inside:
            raise GeocodeNotFound(f"{self.label}: no candidate for {query!r} inside {region}")
        distinct = distinct_places(inside, key=lambda item: (item[0], item[1]))
        if len(distinct) > 1:
            labels = "; ".join(d[2].label for d in distinct[:5])
            raise GeocodeAmbiguous(f"{self.label}: {len(distinct)} candidates for {query!r} inside {region}: {labels}")
        lon, lat, cand = distinct[0]
        precision = self.answer_precision(cand.kind, cand.exact) or Precision.SITE
        conversion = "" if self.datum is TargetCRS.WGS84 else f", converted from {self.datum.value}"
        return GeocodeResult(lon, lat, precision, self.name, f"{self.label}: {cand.label}{conversion}", query)


class NominatimProvider(OnlineProvider):
    """OpenStreetMap Nominatim, searched inside the region's box; at most one request a second."""

    name = "nominatim"
    label = "OpenStreetMap Nominatim"
    domain = "nominatim.openstreetmap.org"
    min_delay_floor = NOMINATIM_MIN_DELAY
    town_types = frozenset({"town", "village", "hamlet", "suburb", "quarter", "neighbourhood", "municipality"})
    coarse_types = frozenset({"city", "county", "state", "state_district", "province", "region", "country",
                              "administrative", "city_district", "district"})

    @classmethod
    def check_settings(cls, settings: Settings) -> None:
        """Nominatim's usage policy asks for a user agent that identifies the caller."""
        if "example.invalid" in settings.user_agent:
            raise SettingsError("Nominatim's usage policy asks for a user agent that identifies you: set "
                                "CPM_USER_AGENT, e.g. 'carbon-peak-map/0.1 (you@example.org)'")

    def _build(self, **kwargs: Any) -> Any:
        from geopy.geocoders import Nominatim

        return Nominatim(user_agent=self.settings.user_agent, scheme=self.scheme, domain=self.domain, **kwargs)

    def _ask(self, geocoder: Any, query: str, bounds: Bounds, timeout: float) -> list[Any]:
        west, south, east, north = bounds  # searched inside the region's box, not across China
        return geocoder.geocode(query, exactly_one=False, limit=10, country_codes="cn",
                                addressdetails=False, viewbox=[(south, west), (north, east)], bounded=True,
                                timeout=timeout) or []

    def _kind(self, raw: dict[str, Any]) -> tuple[str, bool]:
        return _text(raw, "addresstype") or _text(raw, "type"), True


class ArcGISProvider(OnlineProvider):
    """Esri's ArcGIS World Geocoding, asked for the answer type of each candidate."""

    name = "arcgis"
    label = "Esri ArcGIS World Geocoding"
    domain = "geocode.arcgis.com"
    town_types = frozenset({"Locality", "Neighborhood"})
    coarse_types = frozenset({"Subregion", "Region", "Country", "Postal", "PostalExt", "Zone"})

    def _build(self, **kwargs: Any) -> Any:
        from geopy.geocoders import ArcGIS

        return ArcGIS(user_agent=self.settings.user_agent, scheme=self.scheme, domain=self.domain, **kwargs)

    def _ask(self, geocoder: Any, query: str, bounds: Bounds, timeout: float) -> list[Any]:
        return geocoder.geocode(query, exactly_one=False, out_fields="Addr_type",
                                timeout=timeout) or []

    def _kind(self, raw: dict[str, Any]) -> tuple[str, bool]:
        attributes = raw.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise TypeError("field 'attributes' is not a JSON object")
        return _text(attributes, "Addr_type"), True


class BaiduProvider(OnlineProvider):
    """Baidu Maps geocoding v3 (BD-09). It answers one place per query: it can confirm a place,
    never report an ambiguity."""

    name = "baidu"
    label = "Baidu Maps geocoding v3"
    datum = TargetCRS.BD09
    town_types = frozenset({"乡镇", "村庄"})
    coarse_types = frozenset({"省", "城市", "区县", "国家", "UNKNOWN", "NoClass", "商圈"})

    @classmethod
    def check_settings(cls, settings: Settings) -> None:
        """Baidu needs a key."""
        if not settings.baidu_key:
            raise SettingsError("the Baidu geocoder needs a key: set BAIDU_MAPS_AK")

    def _build(self, **kwargs: Any) -> Any:
        from geopy.geocoders import BaiduV3

        return BaiduV3(api_key=self.settings.baidu_key, user_agent=self.settings.user_agent, scheme=self.scheme,
                       **kwargs)

    def _ask(self, geocoder: Any, query: str, bounds: Bounds, timeout: float) -> list[Any]:
        result = geocoder.geocode(query, exactly_one=True, timeout=timeout)
        return [result] if result is not None else []

    def _kind(self, raw: dict[str, Any]) -> tuple[str, bool]:
        return _text(raw, "level"), raw.get("precise") == 1
