"""Reading, querying and saving frames through a real gateway."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import framegate

from .conftest import GatewayProcess, wait_for

Unique = Callable[[str], str]

SALES = pa.table(
    {
        "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
        "region": ["north", "south", "north", None, "east"],
        "amount": [10.5, 20.0, 30.25, 40.0, None],
        "day": pa.array([date(2024, 1, d) for d in (1, 2, 3, 4, 5)], pa.date32()),
    }
)


@pytest.fixture()
def sales(admin: framegate.Gateway, unique: Unique) -> str:
    return admin.save(unique("sales"), SALES).name


def test_ls_lists_what_was_saved_with_its_shape(admin: framegate.Gateway, sales: str) -> None:
    listing = admin.ls()
    info = next(f for f in listing if f.name == sales)
    assert (info.row_count, info.schema.names, info.owner, info.scope, info.version) == (5, ["id", "region", "amount", "day"], "admin", "mine", 1)
    assert sales in admin.ls(namespace="admin").names
    assert sales not in admin.ls(namespace="main").names


def test_frame_schema_and_head(admin: framegate.Gateway, sales: str) -> None:
    frame = admin.frame(sales)
    assert [(c.name, c.type) for c in frame.schema] == [("id", "BIGINT"), ("region", "VARCHAR"), ("amount", "DOUBLE"), ("day", "DATE")]
    assert frame.schema.type_of("amount") == "DOUBLE"
    assert (frame.row_count, len(frame), frame.columns) == (5, 5, ["id", "region", "amount", "day"])
    assert frame.head(2).to_pylist() == SALES.slice(0, 2).to_pylist()
    assert frame.head(2, offset=3).column("id").to_pylist() == [4, 5]
    assert frame.head(10, sort="-amount", columns=["id"]).column("id").to_pylist() == [4, 3, 2, 1, 5]
    assert frame.head(0).num_rows == 0 and frame.head(0).column_names == frame.columns


def test_head_beyond_one_window_is_fetched_in_several(admin: framegate.Gateway, unique: Unique) -> None:
    name = admin.sql("SELECT range AS i FROM range(250000)").save(unique("wide"))
    head = admin.frame(name.name).head(180_000)
    assert head.num_rows == 180_000
    assert head.column("i").to_pylist()[-3:] == [179_997, 179_998, 179_999]


def test_to_arrow_pandas_and_polars_are_the_frame(admin: framegate.Gateway, sales: str) -> None:
    frame = admin.frame(sales)
    assert frame.to_arrow().equals(SALES)
    pd.testing.assert_frame_equal(frame.to_pandas(), SALES.to_pandas())
    assert frame.to_polars().equals(pl.from_arrow(SALES))
    assert frame.to_arrow(columns=["region"], sort="id desc").column("region").to_pylist() == ["east", None, "north", "south", "north"]


def test_a_frame_handle_is_one_version(admin: framegate.Gateway, sales: str) -> None:
    first = admin.frame(sales)
    admin.save(sales, SALES.slice(0, 2), replace=True)
    assert (first.version, first.to_arrow().num_rows) == (1, 5)
    latest = first.latest()
    assert (latest.version, latest.to_arrow().num_rows) == (2, 2)
    assert admin.frame(f"{sales}@1").to_arrow().equals(SALES)


def test_save_pandas_polars_and_pyarrow(admin: framegate.Gateway, unique: Unique) -> None:
    df = pd.DataFrame({"x": [1, 2, 3], "label": ["a", "b", None], "when": pd.to_datetime(pd.Series(["2024-01-01 00:00", "2024-06-30 12:00", None]))})
    saved = admin.save(unique("from_pandas"), df)
    assert [(c.name, c.type) for c in saved.schema] == [("x", "BIGINT"), ("label", "VARCHAR"), ("when", "TIMESTAMP")]
    back = admin.frame(saved.name).to_pandas()
    assert back["x"].tolist() == [1, 2, 3]
    assert back["label"].tolist()[:2] == ["a", "b"] and pd.isna(back["label"].iloc[2])
    assert back["when"].iloc[1] == pd.Timestamp("2024-06-30 12:00") and pd.isna(back["when"].iloc[2])

    polars_df = pl.DataFrame({"k": ["u", "v"], "n": [1.5, None]})
    saved_polars = admin.save(unique("from_polars"), polars_df)
    assert admin.frame(saved_polars.name).to_polars().equals(polars_df)

    batch = pa.record_batch({"z": pa.array([7, 8], pa.int32())})
    assert admin.frame(admin.save(unique("from_batch"), batch).name).to_arrow().column("z").to_pylist() == [7, 8]


def test_a_pandas_index_is_kept_as_columns(admin: framegate.Gateway, unique: Unique) -> None:
    df = pd.DataFrame({"region": ["n", "s", "n"], "amount": [1, 2, 3]}).groupby("region").sum()
    back = admin.frame(admin.save(unique("grouped"), df).name).to_pandas()
    assert back.to_dict("records") == [{"region": "n", "amount": 4}, {"region": "s", "amount": 2}]


def test_sql_result_has_the_same_methods_and_saves(admin: framegate.Gateway, sales: str, unique: Unique) -> None:
    result = admin.sql(f"SELECT region, sum(amount) AS total FROM {sales} WHERE region IS NOT NULL GROUP BY region ORDER BY region")
    assert (result.row_count, result.columns) == (3, ["region", "total"])
    assert result.schema.type_of("total") == "DOUBLE"
    assert result.head(1).to_pylist() == [{"region": "east", "total": None}]
    assert result.to_pandas()["region"].tolist() == ["east", "north", "south"]
    assert result.to_polars()["total"].to_list() == [None, 40.75, 20.0]
    saved = result.save(unique("by_region"))
    assert (saved.row_count, saved.source) == (3, result.sql)
    assert admin.save(unique("again"), result).row_count == 3
    result.close()
    with pytest.raises(framegate.ResultNotFound):
        result.head(1)


def test_saving_over_a_frame_needs_replace(admin: framegate.Gateway, sales: str) -> None:
    with pytest.raises(framegate.FrameExists):
        admin.save(sales, SALES)
    assert admin.save(sales, SALES, replace=True).version == 2


def test_versions_oldest_first(admin: framegate.Gateway, sales: str) -> None:
    admin.save(sales, SALES.slice(0, 1), replace=True)
    namespace, short = sales.split(".")
    query = f'SELECT * FROM {namespace}."{short}@1" WHERE id > 3'
    admin.sql(query).save(sales, replace=True)
    versions = admin.versions(sales)
    assert [(v.ref, v.row_count, v.author, v.latest) for v in versions] == [(f"{sales}@1", 5, "admin", False), (f"{sales}@2", 1, "admin", False), (f"{sales}@3", 2, "admin", True)]
    assert versions[2].source == query
    assert f"{sales}@3" in repr(versions) and f"{sales}@1" in repr(versions)


def test_lineage_of_a_version_made_from_another(admin: framegate.Gateway, sales: str, unique: Unique) -> None:
    derived = admin.sql(f"SELECT * FROM {sales} WHERE id > 3").save(unique("derived")).name
    if admin.protocol_version < 3:
        with pytest.raises(framegate.MethodNotFound, match="does not tell lineage"):
            admin.lineage(derived)
        return
    root = admin.lineage(derived)
    assert (root.ref, root.visible, root.origin.get("kind")) == (f"{derived}@1", True, "sql")
    assert [r.ref for r in root.reads] == [f"{sales}@1"]
    assert root.reads[0].origin.get("kind") == "upload"
    assert f"{sales}@1" in str(root)


def test_delete(admin: framegate.Gateway, sales: str) -> None:
    assert admin.delete(sales) == sales
    with pytest.raises(framegate.FrameNotFound):
        admin.frame(sales)


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("SELECT * FROM no_such_frame", framegate.FrameNotFound),
        ("SELEC 1", framegate.InvalidSql),
        ("SELECT getenv('HOME')", framegate.SqlRefused),
        ("CREATE TABLE t (x INT)", framegate.SqlRefused),
    ],
)
def test_sql_errors_carry_the_gateways_code(admin: framegate.Gateway, sql: str, error: type[framegate.FramegateError]) -> None:
    with pytest.raises(error) as raised:
        admin.sql(sql)
    assert raised.value.code == error.code and raised.value.kind == error.kind
    assert isinstance(raised.value, framegate.FramegateError)


def test_bad_input_gets_a_clear_error_and_loses_nothing(admin: framegate.Gateway, sales: str) -> None:
    with pytest.raises(framegate.InvalidParams, match="name"):
        admin.frame("not a name")
    with pytest.raises(framegate.ColumnNotFound):
        admin.frame(sales).head(1, columns=["nope"])
    with pytest.raises(TypeError, match="cannot save a"):
        admin.save("whatever", object())
    with pytest.raises(ValueError):
        admin.frame(sales).head(-1)
    # The connection is as good as before.
    assert admin.frame(sales).to_arrow().equals(SALES)


def test_whoami_and_info(admin: framegate.Gateway, gateway: GatewayProcess) -> None:
    me = admin.whoami()
    assert (me.user, me.admin, me.namespace, me.team_namespace) == ("admin", True, "admin", "main")
    info = admin.info()
    assert info.max_message_bytes > 0 and info.max_upload_bytes > 0 and info.engine


def test_a_result_nobody_holds_is_freed_on_the_gateway(admin: framegate.Gateway, gateway: GatewayProcess) -> None:
    closes = len(gateway.requests("query/close"))
    result = admin.sql("SELECT 1 AS x")
    result_id = result.id
    del result
    gc.collect()
    wait_for(lambda: len(gateway.requests("query/close")) > closes, what="the result to be freed")
    assert gateway.requests("query/close")[closes].get("outcome") == "ok"
    with pytest.raises(framegate.ResultNotFound):
        admin._io.run(admin._async._request("data/window", {"source": {"kind": "result", "id": result_id}, "offset": 0, "limit": 1}))
