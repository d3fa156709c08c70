"""Command line: ``python -m etl build [--raw DIR] [--force] [--accept-shrink] [--quiet]
[--debug]``. Expected failures print one line and exit 1. (Demo data: ``python -m demo``.)"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="build the warehouse from data/raw (or data/raw/demo)"
    )
    build.add_argument("--raw", type=Path, help="folder of raw files (default: <data>/raw)")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument(
        "--accept-shrink",
        action="store_true",
        help="go live even if a source holds far less than in the live build "
        "(rule source_shrank, docs/validation_rules.md)",
    )
    build.add_argument("--quiet", action="store_true", help="print only errors")
    build.add_argument("--debug", action="store_true", help="show tracebacks")
    build.add_argument(
        "--data-dir", type=Path, help="data folder (default: data/ or $LOCALITY_EXPLORER_DATA_DIR)"
    )
    build.add_argument("--config", type=Path, help="council config (default: data/config.toml)")
    return parser


def _fail(message: str, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(f"error: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from queries.prepare import build_warehouse

    from .build import BuildError

    progress = None if args.quiet else (lambda message: print(message, flush=True))
    try:
        build_warehouse(
            args.raw,
            force=args.force,
            progress=progress,
            data_dir=args.data_dir,
            config=args.config,
            accept_shrink=args.accept_shrink,
        )
    except BuildError as error:
        return _fail(f"build failed: {error}; the previous warehouse is still live", args.debug)
    except KeyboardInterrupt:
        return _fail("build interrupted; the previous warehouse is still live", args.debug)
    except Exception as error:  # unexpected: short message, traceback on request
        hint = "" if args.debug else " (run with --debug for the traceback)"
        return _fail(
            f"build failed unexpectedly: {type(error).__name__}: {error}; "
            f"the previous warehouse is still live{hint}",
            args.debug,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
