"""``framegate.aio``: the same API for ``await``, on the caller's own event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import pytest

import framegate
import framegate.aio

from .conftest import GatewayProcess
from .test_connect import ENDLESS_SQL, outcomes

T = TypeVar("T")
Unique = Callable[[str], str]
DATA = pa.table({"id": [1, 2, 3], "label": ["a", "b", "c"]})


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_read_query_save_with_await(gateway: GatewayProcess, unique: Unique) -> None:
    async def notebook() -> None:
        async with await framegate.aio.connect(gateway.url, gateway.admin_token) as fg:
            name = (await fg.save(unique("aio"), DATA)).name
            frame = await fg.frame(name)
            assert frame.schema.names == ["id", "label"] and frame.row_count == 3
            assert (await frame.to_arrow()).equals(DATA)
            assert (await frame.head(1)).to_pylist() == [{"id": 1, "label": "a"}]
            pd.testing.assert_frame_equal(await frame.to_pandas(), DATA.to_pandas())
            assert (await frame.to_polars()).height == 3
            result = await fg.sql(f"SELECT id * 10 AS x FROM {name} ORDER BY id")
            assert (await result.to_arrow()).column("x").to_pylist() == [10, 20, 30]
            assert (await result.save(unique("aio_x"))).row_count == 3
            assert name in (await fg.ls()).names
            with pytest.raises(framegate.FrameNotFound):
                await fg.frame("nobody.nothing")
        assert fg.closed

    run(notebook())


def test_concurrent_requests_on_one_connection(gateway: GatewayProcess, unique: Unique) -> None:
    async def many() -> None:
        async with await framegate.aio.connect(gateway.url, gateway.admin_token) as fg:
            name = (await fg.save(unique("concurrent"), DATA)).name
            frame = await fg.frame(name)
            tables = await asyncio.gather(*(frame.head(3, offset=0, sort="-id") for _ in range(20)), frame.to_arrow())
            assert all(t.column("id").to_pylist() == [3, 2, 1] for t in tables[:-1])
            assert tables[-1].equals(DATA)

    run(many())


def test_a_cancelled_task_cancels_its_request_on_the_gateway(gateway: GatewayProcess) -> None:
    async def cancel() -> None:
        async with await framegate.aio.connect(gateway.url, gateway.admin_token) as fg:
            before = len(outcomes(gateway, "query/sql"))
            started = len(gateway.requests("query/sql", "request-start"))
            task = asyncio.create_task(fg.sql(ENDLESS_SQL))
            while len(gateway.requests("query/sql", "request-start")) == started:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.to_thread(gateway.ended_soon, "query/sql", before)

    run(cancel())


def test_watch_with_async_for(gateway: GatewayProcess, unique: Unique) -> None:
    async def watch() -> None:
        async with await framegate.aio.connect(gateway.url, gateway.admin_token) as fg:
            async with fg.watch() as events:
                name = (await fg.save(unique("aio_watched"), DATA)).name
                async for event in events:
                    if event.name == name:
                        assert (event.type, event.by) == ("object.created" if fg.protocol_version >= 3 else "frame.uploaded", "admin")
                        break
                with pytest.raises(TimeoutError):
                    await events.get(timeout=0.2)

    run(watch())
