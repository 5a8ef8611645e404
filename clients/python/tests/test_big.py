"""A million rows each way, parts under the gateway's message cap, and the upload cap."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import framegate

from .conftest import GatewayProcess, start_gateway, stop_gateway

Unique = Callable[[str], str]
ROWS = 1_000_000


def million() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    amount = rng.normal(100, 25, ROWS)
    amount[::97] = np.nan
    df: pd.DataFrame = pd.DataFrame(
        {
            "id": np.arange(ROWS, dtype=np.int64),
            "k": rng.integers(-(2**40), 2**40, ROWS),
            "amount": amount,
            "flag": np.arange(ROWS) % 3 == 0,
            "region": pd.Series(np.array(["north", "south", "east", "west", "zentrum ✓"])[np.arange(ROWS) % 5]),
            # Microseconds: the engine's TIMESTAMP resolution.
            "at": pd.Series(pd.date_range("2024-01-01", periods=ROWS, freq="1s").as_unit("us")),
        }
    )
    return df


@pytest.fixture(scope="module")
def frame_of_a_million(gateway: GatewayProcess) -> Iterator[tuple[str, pd.DataFrame]]:
    df = million()
    with gateway.connect() as fg:
        name = fg.save("million", df, replace=True).name
        yield name, df


def test_a_million_rows_round_trip_through_pandas(admin: framegate.Gateway, frame_of_a_million: tuple[str, pd.DataFrame]) -> None:
    name, df = frame_of_a_million
    frame = admin.frame(name)
    assert frame.row_count == ROWS
    back = frame.to_pandas()
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert [str(t) for t in back.dtypes] == [str(t) for t in df.dtypes]


def test_a_million_rows_round_trip_through_polars(admin: framegate.Gateway, frame_of_a_million: tuple[str, pd.DataFrame], unique: Unique) -> None:
    name, df = frame_of_a_million
    original = pl.from_pandas(df)
    resaved = admin.save(unique("million_polars"), original)
    assert resaved.row_count == ROWS
    assert admin.frame(resaved.name).to_polars().equals(original)
    assert admin.frame(name).to_polars().equals(original)


def test_rows_arrive_without_a_python_object_per_row(admin: framegate.Gateway, frame_of_a_million: tuple[str, pd.DataFrame]) -> None:
    frame = admin.frame(frame_of_a_million[0])
    frame.to_arrow()  # warm: imports, caches
    before = sys.getallocatedblocks()
    table = frame.to_arrow()
    grown = sys.getallocatedblocks() - before
    assert table.num_rows == ROWS
    assert grown < ROWS // 20, f"{grown:,} Python allocations for {ROWS:,} rows"
    polars_frame = frame.to_polars()
    assert polars_frame.height == ROWS
    assert sys.getallocatedblocks() - before < ROWS // 10


@pytest.fixture(scope="module")
def small_caps() -> Iterator[GatewayProcess]:
    started = start_gateway("--max-message-bytes", "65536", "--max-upload-bytes", "33554432")
    try:
        yield started
    finally:
        stop_gateway(started)


def test_an_upload_goes_in_parts_under_the_message_cap(small_caps: GatewayProcess) -> None:
    df = million().head(200_000)
    with small_caps.connect() as fg:
        assert fg.info().max_message_bytes == 65536
        # 200,000 rows are megabytes of Arrow: a single message over 64 KiB would close the connection (1009).
        saved = fg.save("parts", df)
        assert saved.row_count == 200_000
        pd.testing.assert_frame_equal(fg.frame("parts").to_pandas(), df, check_dtype=False)
        assert fg.frame("parts").to_arrow().nbytes > 50 * 65536


def test_an_upload_over_the_cap_is_refused_before_it_is_sent_and_the_connection_goes_on(small_caps: GatewayProcess) -> None:
    big = pa.table({"x": pa.array(np.zeros(5_000_000, dtype=np.int64))})  # 40 MB, over the 32 MiB cap
    with small_caps.connect() as fg:
        with pytest.raises(framegate.TooLarge, match="upload cap of 33,554,432 bytes"):
            fg.save("too_big", big)
        assert "admin.too_big" not in fg.ls().names
        assert fg.save("small_after", big.slice(0, 10)).row_count == 10
    assert not small_caps.logged("protocol-error")
