"""How frames, results and listings show in a notebook: a few rows, the row count, the schema.

HTML for Jupyter (``_repr_html_``), plain text for a terminal; every value is escaped. Cells are
formatted from Arrow scalars for the few preview rows only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from ._types import FrameInfo, LineageNode, Version

#: Rows a frame or result shows when displayed.
PREVIEW_ROWS = 10
_MAX_CELL_CHARS = 80

_STYLE = "font-family: var(--jp-code-font-family, monospace); font-size: 12px"


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    text = str(value)
    return text if len(text) <= _MAX_CELL_CHARS else text[: _MAX_CELL_CHARS - 1] + "…"


def _rows(preview: pa.Table) -> list[list[str]]:
    columns = [preview.column(i).to_pylist() for i in range(preview.num_columns)]
    return [[_cell(column[r]) for column in columns] for r in range(preview.num_rows)]


def _count(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def table_html(title: str, subtitle: str, names: Sequence[str], types: Sequence[str], preview: pa.Table | None, row_count: int) -> str:
    """A heading, then a table whose header has each column's name and type, then the first rows."""
    e = html.escape
    head = "".join(f"<th style='text-align:left'>{e(n)}<br><span style='font-weight:normal;opacity:.6'>{e(t)}</span></th>" for n, t in zip(names, types))
    body = ""
    shown = 0
    if preview is not None:
        rows = _rows(preview)
        shown = len(rows)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    more = row_count - shown
    foot = f"<p style='margin:2px 0;opacity:.7'>… {_count(more)} more</p>" if more > 0 else ""
    return (
        f"<div style='{_STYLE}'>"
        f"<p style='margin:2px 0'><b>{e(title)}</b> <span style='opacity:.7'>{e(subtitle)}</span></p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}</div>"
    )


def table_text(title: str, subtitle: str, names: Sequence[str], types: Sequence[str], preview: pa.Table | None, row_count: int) -> str:
    rows = _rows(preview) if preview is not None else []
    header = [f"{n} ({t})" for n, t in zip(names, types)]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [f"{title} {subtitle}", "  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    if row_count > len(rows):
        lines.append(f"… {_count(row_count - len(rows))} more")
    return "\n".join(lines)


def frame_subtitle(info: FrameInfo) -> str:
    shared = f", shared by {info.shared_by}" if info.shared_by else ""
    return f"version {info.version} by {info.author}: {_count(info.row_count)}, {len(info.schema)} columns ({info.scope}{shared})"


def schema_html(names: Sequence[str], types: Sequence[str]) -> str:
    e = html.escape
    rows = "".join(f"<tr><td style='text-align:left'>{e(n)}</td><td style='text-align:left'>{e(t)}</td></tr>" for n, t in zip(names, types))
    return f"<div style='{_STYLE}'><table><thead><tr><th>column</th><th>type</th></tr></thead><tbody>{rows}</tbody></table></div>"


def frame_list_html(frames: Sequence[FrameInfo]) -> str:
    e = html.escape
    if not frames:
        return f"<div style='{_STYLE}'>no frames you can read</div>"
    rows = "".join(
        f"<tr><td style='text-align:left'>{e(f.name)}</td><td>{f.row_count:,}</td><td>{len(f.schema)}</td>"
        f"<td style='text-align:left'>{e(f.owner)}</td><td>{f.version}</td><td style='text-align:left'>{e(f.scope)}</td></tr>"
        for f in frames
    )
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("frame", "rows", "columns", "owner", "version", "scope"))
    return f"<div style='{_STYLE}'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"


def frame_list_text(frames: Sequence[FrameInfo]) -> str:
    if not frames:
        return "no frames you can read"
    width = max(len(f.name) for f in frames)
    return "\n".join(f"{f.name.ljust(width)}  {f.row_count:>12,} rows  {len(f.schema):>3} cols  {f.owner}  v{f.version}  {f.scope}" for f in frames)


def version_line(v: Version) -> str:
    when = v.created_at.strftime("%Y-%m-%d %H:%M") if v.created_at else "?"
    flags = ("  latest" if v.latest else "") + ("" if v.state == "present" else f"  ({v.state})")
    return f"{v.ref}  {v.row_count:,} rows  by {v.author}  {when}  {_cell(v.source)}{flags}"


def versions_html(versions: Sequence[Version]) -> str:
    e = html.escape
    head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("version", "rows", "by", "saved", "from", "state"))
    rows = "".join(
        f"<tr><td>{v.version}{' (latest)' if v.latest else ''}</td><td>{v.row_count:,}</td><td style='text-align:left'>{e(v.author)}</td>"
        f"<td style='text-align:left'>{e(v.created_at.isoformat(timespec='seconds') if v.created_at else '')}</td>"
        f"<td style='text-align:left'>{e(_cell(v.source))}</td><td style='text-align:left'>{e(v.state)}</td></tr>"
        for v in versions
    )
    return f"<div style='{_STYLE}'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"


def _origin_text(origin: Any) -> str:
    kind = origin.get("kind", "") if isinstance(origin, dict) else ""
    detail = origin.get("sql") or origin.get("path") or origin.get("source") or origin.get("query") or "" if isinstance(origin, dict) else ""
    return f"{kind}: {_cell(detail)}" if detail else str(kind)


def lineage_lines(node: LineageNode, depth: int = 0) -> list[str]:
    pad = "  " * depth
    if not node.visible:
        return [f"{pad}(a {node.kind or 'version'} you cannot see)"]
    notes = "".join(f", {n}" for n, on in (("deleted", node.deleted), ("removed", node.state != "present"), ("shown above", node.repeated), ("more not shown", node.truncated)) if on)
    lines = [f"{pad}{node.ref}  by {node.author}  ({_origin_text(node.origin)}{notes})"]
    for read in node.reads:
        lines += lineage_lines(read, depth + 1)
    return lines


def lineage_html(node: LineageNode) -> str:
    return f"<pre style='{_STYLE}'>" + html.escape("\n".join(lineage_lines(node))) + "</pre>"
