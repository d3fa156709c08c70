"""Command line: ``python -m demo [--out DIR] [--seed N] [--other-las N] [--if-no-data]
[--debug]`` writes the demo raw files (default: <data>/raw/demo, which the ETL builds from
when data/raw holds no data files of the council's). Failures print one line and exit 1."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument("--out", type=Path, help="output folder (default: <data>/raw/demo)")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--other-las",
        type=int,
        help="other LAs to include: the seven statistical neighbours of data/config.toml first, "
        "then synthetic LAs (default: the seven neighbours)",
    )
    parser.add_argument(
        "--if-no-data",
        action="store_true",
        help="only when data/raw holds no data files and no demo files yet (scripts/start)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from etl import warehouse_path

        from . import demo_dir, ensure_demo_data, generate_demo

        raw_dir = warehouse_path().parent / "raw"
        if args.if_no_data:
            ensure_demo_data(raw_dir, lambda message: print(message, flush=True))
            return 0
        out = args.out or demo_dir(raw_dir)
        # The generator's own default (every named neighbour) unless a count is given.
        size = {} if args.other_las is None else {"n_other_las": args.other_las}
        paths = generate_demo(out, seed=args.seed, **size)
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        print(f"error: demo generation failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(paths)} demo files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
