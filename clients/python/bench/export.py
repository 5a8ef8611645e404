"""Times whole-frame reads through the Python client, for bench/python.ts (which compares them with
the TypeScript client on the same gateway in the same run). Prints one JSON document on stdout.

usage: python export.py URL TOKEN FRAME SAMPLES
"""

from __future__ import annotations

import gc
import json
import sys
import time

import pandas  # noqa: F401  (imported before timing: a first import is not a read)
import polars  # noqa: F401

import framegate


def main() -> None:
    url, token, name, samples = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    seconds: dict[str, list[float]] = {"to_arrow": [], "to_pandas": [], "to_polars": []}
    with framegate.connect(url, token, timeout=600) as fg:
        frame = fg.frame(name)
        for _ in range(samples):
            for method in seconds:
                gc.collect()
                started = time.perf_counter()
                data = getattr(frame, method)()
                seconds[method].append(time.perf_counter() - started)
                del data
    json.dump({"rows": frame.row_count, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
