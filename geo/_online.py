"""Online geocoders through geopy: off by default, rate-limited, cached on disk, region-scoped.

Each provider asks its service for candidates, converts them from the service's datum
to WGS-84 (Nominatim and ArcGIS answer in WGS-84, Baidu in BD-09), keeps those inside
the region's polygon (and the county's, when given), and answers only when exactly one
place remains: several distinct candidates are an ambiguity, never silently resolved.

Requests are wrapped from outside: a persistent JSON cache keyed on the request (so a
rerun makes no request at all), then geopy's ``RateLimiter`` (Nominatim's policy: at
most one request per second with an identifying user agent).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._atomic import atomic_write_text
from .crs import TargetCRS, point_to_wgs84
from .errors import GeocodeAmbiguous, GeocodeNotFound, GeocoderUnavailable
from .geocode import AdminAreas, GeocodeResult, distinct_places
from .settings import Settings
from .vocabulary import Precision

log = logging.getLogger(__name__)

#: seconds between two Nominatim requests, at least (its usage policy)
NOMINATIM_MIN_DELAY = 1.0

#: service name -> (datum of its coordinates, human name)
SERVICES: dict[str, tuple[TargetCRS, str]] = {
    "nominatim": (TargetCRS.WGS84, "OpenStreetMap Nominatim"),
    "arcgis": (TargetCRS.WGS84, "Esri ArcGIS World Geocoding"),
    "baidu": (TargetCRS.BD09, "Baidu Maps geocoding v3"),
}
#: answer types, per service, that name a town or village: the answer is a town point
_TOWN_TYPES = {
    "nominatim": {"town", "village", "hamlet", "suburb", "quarter", "neighbourhood", "municipality"},
    "arcgis": {"Locality", "Neighborhood"},
    "baidu": {"乡镇", "村庄"},
}
#: answer types no finer than the county or region point the admin fallback already gives: refused
_COARSE_TYPES = {
    "nominatim": {"city", "county", "state", "state_district", "province", "region", "country", "administrative",
                  "city_district", "district"},
    "arcgis": {"Subregion", "Region", "Country", "Postal", "PostalExt", "Zone"},
    "baidu": {"省", "城市", "区县", "国家", "UNKNOWN", "NoClass", "商圈"},
}
#: bump when the cached record changes shape or meaning, so old entries are not read as new ones
CACHE_VERSION = 2


def answer_precision(service: str, kind: str, exact: bool = True) -> Precision | None:
    """The precision an answer of ``kind`` supports, or ``None`` when it is too coarse to use.

    Every service must say what it found: an answer without a type is refused, and so is a
    Baidu answer it marks as not precise (``precise = 0``: a guess from part of the address).
    """
    if not kind or kind in _COARSE_TYPES[service] or not exact:
        return None
    return Precision.TOWN if kind in _TOWN_TYPES[service] else Precision.SITE


@dataclass(frozen=True, slots=True)
class Candidate:
    """One answer of a service, in the service's own datum."""

    lon: float
    lat: float
    label: str
    kind: str
    exact: bool = True


class DiskCache:
    """A folder of JSON files, one per request key; atomic writes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"

    def get(self, key: str) -> list[dict[str, Any]] | None:
        """The cached candidates of ``key``, or ``None``."""
        path = self._path(key)
        if not path.exists():
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
        return list(record["candidates"])

    def put(self, key: str, candidates: list[dict[str, Any]]) -> None:
        """Store the candidates of ``key``."""
        atomic_write_text(self._path(key), json.dumps({"key": key, "candidates": candidates}, ensure_ascii=False,
                                                      sort_keys=True, indent=1) + "\n")


def _candidates_from_locations(service: str, locations: list[Any] | None) -> list[dict[str, Any]]:
    out = []
    for loc in locations or []:
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        exact = True
        if service == "nominatim":
            kind = str(raw.get("addresstype") or raw.get("type") or "")
        elif service == "arcgis":  # asked with out_fields=Addr_type
            kind = str((raw.get("attributes") or {}).get("Addr_type") or "")
        else:
            kind = str(raw.get("level") or "")
            exact = raw.get("precise") == 1
        out.append({"lon": float(loc.longitude), "lat": float(loc.latitude), "label": str(loc.address or ""),
                    "kind": kind, "exact": exact})
    return out


class OnlineProvider:
    """A geopy geocoder made region-scoped, datum-aware, cached and rate-limited."""

    def __init__(self, service: str, fetch: Callable[[str, tuple[float, float, float, float]], list[Any] | None],
                 cache: DiskCache, areas: AdminAreas) -> None:
        self.name = service
        self.datum, self.label = SERVICES[service]
        self._fetch = fetch
        self.cache = cache
        self.areas = areas

    def _candidates(self, query: str, region: str) -> list[Candidate]:
        bounds = self.areas.bounds(region)
        # the key holds everything the request depends on: a changed request is a new one
        key = f"v{CACHE_VERSION}|{self.name}|{region}|{','.join(f'{b:.4f}' for b in bounds)}|{query}"
        cached = self.cache.get(key)
        if cached is None:
            from geopy.exc import GeopyError

            try:
                locations = self._fetch(query, bounds)
            except GeopyError as err:
                raise GeocoderUnavailable(f"{self.label} failed for {query!r}: {err}") from err
            cached = _candidates_from_locations(self.name, locations)
            self.cache.put(key, cached)
        return [Candidate(c["lon"], c["lat"], c["label"], c["kind"], c["exact"]) for c in cached]

    def geocode(self, query: str, *, region: str, county: str | None = None) -> GeocodeResult:
        """Ask the service; keep candidates inside the region (and county) that are finer than a
        county point; answer if exactly one place remains."""
        inside: list[tuple[float, float, Candidate]] = []
        for cand in self._candidates(query, region):
            if answer_precision(self.name, cand.kind, cand.exact) is None:
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
        precision = answer_precision(self.name, cand.kind, cand.exact) or Precision.SITE
        conversion = "" if self.datum is TargetCRS.WGS84 else f", converted from {self.datum.value}"
        return GeocodeResult(lon, lat, precision, self.name, f"{self.label}: {cand.label}{conversion}", query)


def _geocoder(service: str, settings: Settings, adapter_factory: Any = None) -> Any:
    from geopy.geocoders import ArcGIS, BaiduV3, Nominatim

    kwargs: dict[str, Any] = {"timeout": 20}
    if adapter_factory is not None:
        kwargs["adapter_factory"] = adapter_factory
    if service == "nominatim":
        if "example.invalid" in settings.user_agent:
            raise GeocoderUnavailable("Nominatim's usage policy asks for a user agent that identifies you: set "
                                      "CPM_USER_AGENT, e.g. 'carbon-peak-map/0.1 (you@example.org)'")
        return Nominatim(user_agent=settings.user_agent, **kwargs)
    if service == "arcgis":
        return ArcGIS(user_agent=settings.user_agent, **kwargs)
    if service == "baidu":
        if not settings.baidu_key:
            raise GeocoderUnavailable("the Baidu geocoder needs a key: set BAIDU_MAPS_AK")
        return BaiduV3(api_key=settings.baidu_key, user_agent=settings.user_agent, **kwargs)
    raise GeocoderUnavailable(f"unknown online geocoder {service!r}; use one of {', '.join(SERVICES)}")


def online_provider(service: str, settings: Settings, areas: AdminAreas, *, adapter_factory: Any = None,
                    error_wait_seconds: float = 5.0) -> OnlineProvider:
    """Build a region-scoped online provider.

    Parameters
    ----------
    service : {"nominatim", "arcgis", "baidu"}
    settings : Settings
        ``online_geocoding`` must be on; the delay, user agent, key and cache folder come from here.
    areas : AdminAreas
    adapter_factory : optional
        geopy adapter factory (tests pass one that serves recorded responses).
    error_wait_seconds : float
        Pause before each of the two retries after a failed request.

    Raises
    ------
    GeocoderUnavailable
        Online geocoding is off, the service is unknown or its key is missing.
    """
    if not settings.online_geocoding:
        raise GeocoderUnavailable("online geocoding is off (set CPM_ONLINE_GEOCODING=1 or pass --online)")
    from geopy.extra.rate_limiter import RateLimiter

    geocoder = _geocoder(service, settings, adapter_factory)
    # Nominatim's policy: at most one request per second, whatever the settings say
    delay = max(settings.min_delay_seconds, NOMINATIM_MIN_DELAY) if service == "nominatim" else \
        settings.min_delay_seconds
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=delay, max_retries=2,
                          error_wait_seconds=error_wait_seconds, swallow_exceptions=False)

    def fetch(query: str, bounds: tuple[float, float, float, float]) -> list[Any] | None:
        west, south, east, north = bounds
        if service == "nominatim":  # searched inside the region's box, not across China
            return limited(query, exactly_one=False, limit=10, country_codes="cn", addressdetails=False,  # type: ignore[no-any-return]
                           viewbox=[(south, west), (north, east)], bounded=True)
        if service == "arcgis":
            return limited(query, exactly_one=False, out_fields="Addr_type")  # type: ignore[no-any-return]
        # Baidu's geocoder answers one place per query: it can confirm a place, never report an ambiguity
        result = limited(query, exactly_one=True)
        return [result] if result is not None else []

    return OnlineProvider(service, fetch, DiskCache(settings.geocode_cache_dir / service), areas)
