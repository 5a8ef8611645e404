"""How frames and results show in a notebook: a few rows, the row count, the schema; never a dump."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa

import framegate

Unique = Callable[[str], str]


def cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_a_frame_shows_its_first_rows_its_row_count_and_its_schema(admin: framegate.Gateway, unique: Unique) -> None:
    table = pa.table({"id": list(range(1000)), "note": ["<b>bold</b> & co" if i == 0 else f"n{i}" for i in range(1000)]})
    frame = admin.frame(admin.save(unique("shown"), table).name)
    html = frame._repr_html_()
    assert frame.info.ref in html
    assert "1,000 rows" in html and "990 rows more" in html
    assert "id" in html and "BIGINT" in html and "note" in html and "VARCHAR" in html
    shown = cells(html)
    assert len(shown) == 20  # 10 rows of 2 columns
    assert shown[:2] == ["0", "&lt;b&gt;bold&lt;/b&gt; &amp; co"]  # escaped, not markup
    assert "<b>bold" not in html
    assert "n999" not in html
    text = repr(frame)
    assert "990 rows more" in text and "id (BIGINT)" in text


def test_a_result_shows_like_a_frame_and_a_short_one_whole(admin: framegate.Gateway) -> None:
    result = admin.sql("SELECT 42 AS answer, 'x' AS why")
    html = result._repr_html_()
    assert "result of SELECT 42 AS answer" in html and "1 row," in html
    assert cells(html) == ["42", "x"]
    assert "more" not in html


def test_an_empty_frame_shows_its_schema(admin: framegate.Gateway, unique: Unique) -> None:
    frame = admin.frame(admin.sql("SELECT 1 AS one WHERE false").save(unique("empty")).name)
    html = frame._repr_html_()
    assert "0 rows" in html and "one" in html and cells(html) == []


def test_the_listing_and_a_schema_show_as_tables(admin: framegate.Gateway, unique: Unique) -> None:
    name = admin.save(unique("listed"), pa.table({"a": [1]})).name
    listing = admin.ls()
    assert name in cells(listing._repr_html_())
    assert name in repr(listing)
    assert cells(admin.frame(name).schema._repr_html_()) == ["a", "BIGINT"]
