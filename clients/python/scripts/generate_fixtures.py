"""Writes the protocol test vectors the Python side makes (test/fixtures/protocol/python-upload/):
an upload as this client frames it, from data in the layouts pandas and polars hand over (64-bit
string offsets, nanosecond timestamps). The TypeScript tests check the gateway's decoder reads it.

Run it only to change the vectors, then review the diff:
``.cache/python/bin/python clients/python/scripts/generate_fixtures.py``.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from framegate._arrow import write_upload
from framegate._attachments import PartWriter

OUT = Path(__file__).resolve().parents[3] / "test" / "fixtures" / "protocol" / "python-upload"
ATTACHMENT_ID = 5
PART_BYTES = 256


def main() -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "name": pa.array(["ä", None, "c"], pa.large_string()),
            "score": pa.array([0.5, None, 2.0], pa.float64()),
            "seen": pa.array([datetime(2024, 1, 2, 3, 4, 5), None, datetime(1999, 12, 31)], pa.timestamp("ns")),
        }
    )
    frames: list[bytes] = []
    write_upload(table, PartWriter(ATTACHMENT_ID, PART_BYTES, frames.append))
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    names = []
    for index, frame in enumerate(frames):
        name = f"python-upload/part-{index}.bin"
        (OUT.parent / name).write_bytes(frame)
        names.append(name)
    manifest = {"id": ATTACHMENT_ID, "partBytes": PART_BYTES, "frames": names, "expected": "python-upload/expected.json"}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(frames)} parts")


if __name__ == "__main__":
    main()
