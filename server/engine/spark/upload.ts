/**
 * Client Arrow for Spark: decoded with the engine's Arrow decoder (dictionaries, nested and
 * decimal columns become text, dates become days), then the kinds Spark's Arrow reader does not
 * take are converted (unsigned integers widened, timestamps to microseconds, times to text)
 * and the batches encoded again as one IPC stream for a LocalRelation.
 */
import { ErrorCodes, FramegateError } from '../../../protocol';
import { decodeIpc, fieldsOf, toBatches } from '../arrow-decoder';
import { encodeIpc } from '../arrow-encoder';
import { isVariableColumn, type ColumnBatch, type ColumnData, type ColumnField, type ColumnKind } from '../columns';

const WIDER: Partial<Record<ColumnKind, ColumnKind>> = { uint8: 'int16', uint16: 'int32', uint32: 'int64' };
const PER_MICRO: Partial<Record<ColumnKind, [bigint, bigint]>> = {
  timestamp_s: [1_000_000n, 1n],
  timestamp_ms: [1_000n, 1n],
  timestamp_ns: [1n, 1_000n],
};

function targetKind(kind: ColumnKind): ColumnKind {
  if (WIDER[kind]) return WIDER[kind];
  if (PER_MICRO[kind]) return 'timestamp_us';
  if (kind === 'uint64' || kind === 'time64us') return 'utf8';
  return kind;
}

const encoder = new TextEncoder();

function timeText(micros: bigint): string {
  const total = Number(micros);
  const seconds = Math.floor(total / 1e6);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const fraction = total % 1e6;
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${fraction ? `.${pad(fraction, 6)}` : ''}`;
}

function convert(column: ColumnData, rows: number): ColumnData {
  if (isVariableColumn(column)) return column;
  const to = targetKind(column.kind);
  if (to === column.kind) return column;
  const source = new DataView(column.values.buffer, column.values.byteOffset, column.values.byteLength);
  if (to === 'utf8') {
    const texts: Uint8Array[] = [];
    const offsets = new Int32Array(rows + 1);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      const valid = !column.validity || (column.validity[i >>> 3]! >>> (i & 7)) & 1;
      if (valid) {
        const value = source.getBigUint64(i * 8, true);
        const bytes = encoder.encode(column.kind === 'time64us' ? timeText(value) : value.toString());
        texts.push(bytes);
        total += bytes.byteLength;
      }
      offsets[i + 1] = total;
    }
    const data = new Uint8Array(total);
    let at = 0;
    for (const t of texts) {
      data.set(t, at);
      at += t.byteLength;
    }
    return { kind: 'utf8', offsets, data, validity: column.validity };
  }
  const width = to === 'int16' ? 2 : to === 'int32' ? 4 : 8;
  const values = new Uint8Array(rows * width);
  const out = new DataView(values.buffer);
  const scale = PER_MICRO[column.kind];
  for (let i = 0; i < rows; i++) {
    if (column.kind === 'uint8') out.setInt16(i * 2, source.getUint8(i), true);
    else if (column.kind === 'uint16') out.setInt32(i * 4, source.getUint16(i * 2, true), true);
    else if (column.kind === 'uint32') out.setBigInt64(i * 8, BigInt(source.getUint32(i * 4, true)), true);
    else if (scale) out.setBigInt64(i * 8, (source.getBigInt64(i * 8, true) * scale[0]) / scale[1], true);
  }
  return { kind: to as Exclude<ColumnKind, 'utf8' | 'binary'>, values, validity: column.validity };
}

/** Client IPC bytes → IPC bytes Spark can read. Throws BadAttachment. */
export function arrowForSpark(ipc: Uint8Array): { ipc: Uint8Array; rows: number } {
  const table = decodeIpc(ipc);
  const fields: ColumnField[] = fieldsOf(table).map((f) => ({ name: f.name, kind: targetKind(f.kind) }));
  const names = new Set<string>();
  for (const f of fields) {
    if (!f.name) throw new FramegateError(ErrorCodes.BadAttachment, 'every column needs a name');
    if (names.has(f.name.toLowerCase())) throw new FramegateError(ErrorCodes.BadAttachment, `column ${f.name} appears twice`);
    names.add(f.name.toLowerCase());
  }
  const batches: ColumnBatch[] = [];
  for (const batch of toBatches(table)) {
    batches.push({ fields, rowCount: batch.rowCount, columns: batch.columns.map((c) => convert(c, batch.rowCount)) });
  }
  return { ipc: encodeIpc(fields, batches), rows: table.numRows };
}
