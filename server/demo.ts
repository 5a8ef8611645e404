/**
 * The demo frame `main.sales`: 1,000,000 deterministic rows, generated here as Arrow so that every
 * engine stores exactly the same data.
 */
import { DateDay, Float64, Int32, Int64, makeData, makeVector, Table, tableToIPC, Utf8, type Vector } from 'apache-arrow';

export const DEMO_ROWS = 1_000_000;
export const DEMO_FRAME = 'main.sales';

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PRODUCTS = ['Widget', 'Gadget', 'Gizmo', 'Doohickey', 'Sprocket', 'Thingamajig', 'Whatsit', 'Contraption'];
const PRICES = [4.99, 12.5, 7.25, 19.99, 3.75, 42.0, 9.95, 24.5];
/** 2023-01-01 in days since the epoch. */
const FIRST_DAY = Date.UTC(2023, 0, 1) / 86_400_000;

const round2 = (x: number) => Math.round(x * 100) / 100;
const encoder = new TextEncoder();

/** A Utf8 column built straight into Arrow's layout (building it value by value is ~10× slower). */
function utf8Column(rows: number, valueAt: (i: number) => string): Vector<Utf8> {
  const offsets = new Int32Array(rows + 1);
  let data = new Uint8Array(rows * 8);
  let end = 0;
  const encoded = new Map<string, Uint8Array>();
  for (let i = 0; i < rows; i++) {
    const value = valueAt(i);
    let bytes = encoded.get(value);
    if (!bytes) {
      bytes = encoder.encode(value);
      if (encoded.size < 100_000) encoded.set(value, bytes);
    }
    if (end + bytes.length > data.length) {
      const grown = new Uint8Array(Math.max(data.length * 2, end + bytes.length));
      grown.set(data.subarray(0, end));
      data = grown;
    }
    data.set(bytes, end);
    end += bytes.length;
    offsets[i + 1] = end;
  }
  return makeVector(makeData({ type: new Utf8(), length: rows, nullCount: 0, valueOffsets: offsets, data: data.subarray(0, end) }));
}

/** Arrow IPC stream bytes of the demo rows. */
export function demoSalesIpc(rows = DEMO_ROWS): Uint8Array {
  const orderId = new BigInt64Array(rows);
  const orderDate = new Int32Array(rows);
  const quantity = new Int32Array(rows);
  const unitPrice = new Float64Array(rows);
  const amount = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const p = (i * 31 + Math.floor(i / 7)) % 8;
    orderId[i] = BigInt(i + 1);
    orderDate[i] = FIRST_DAY + ((i * 37) % 730);
    quantity[i] = 1 + ((i * 17 + Math.floor(i / 3)) % 20);
    unitPrice[i] = round2(PRICES[p]! * (0.9 + ((i * 13) % 21) / 100));
    amount[i] = round2(quantity[i]! * unitPrice[i]!);
  }
  const table = new Table({
    order_id: makeVector(makeData({ type: new Int64(), data: orderId })),
    order_date: makeVector(makeData({ type: new DateDay(), data: orderDate })),
    region: utf8Column(rows, (i) => REGIONS[(i * 7 + Math.floor(i / 13)) % 5]!),
    product: utf8Column(rows, (i) => PRODUCTS[(i * 31 + Math.floor(i / 7)) % 8]!),
    quantity: makeVector(makeData({ type: new Int32(), data: quantity })),
    unit_price: makeVector(makeData({ type: new Float64(), data: unitPrice })),
    amount: makeVector(makeData({ type: new Float64(), data: amount })),
    customer: utf8Column(rows, (i) => `C${String((i * 7877) % 50_000).padStart(5, '0')}`),
  });
  return tableToIPC(table, 'stream');
}
