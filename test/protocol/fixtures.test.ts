/**
 * The shared protocol vectors (test/fixtures/protocol, README there) against the TypeScript side:
 * attachment framing byte for byte, a recorded export reassembled and decoded, error replies,
 * credentials keys, and an upload as the Python client frames it, read by the gateway's decoder.
 * The Python client's tests check the same files (clients/python/tests/test_fixtures.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ResponseError } from 'vscode-jsonrpc/node';
import { decodeAttachmentFrame, encodeAttachmentFrame, ErrorCodes, type ErrorData } from '../../protocol';
import { AttachmentInbox, attachmentFrames } from '../../rpc/attachments';
import { toFramegateError } from '../../rpc/client';
import { gatewayKey, readCredential } from '../../rpc/credentials';
import { decodeIpc, fieldsOf } from '../../server/engine/arrow-decoder';

const DIR = join(__dirname, '../fixtures/protocol');
const bytes = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const json = <T>(name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as T;

interface Manifest {
  export: { frames: string[]; reply: string; payload: string; expected: string };
  framing: Array<{ name: string; id: number; partBytes: number; payload: string | null; payloadBytes?: number; frames: string[] }>;
}
interface Sample {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, unknown>>;
}
const manifest = json<Manifest>('manifest.json');

/** Arrow values in the vectors' JSON spelling: dates as YYYY-MM-DD, timestamps as ISO without zone, bigints as numbers. */
function canonicalRows(table: Table): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    for (const field of table.schema.fields) {
      const value: unknown = table.getChild(field.name)!.get(r);
      const type = String(field.type);
      if (value === null) row[field.name] = null;
      else if (type.startsWith('Date')) row[field.name] = new Date(Number(value)).toISOString().slice(0, 10);
      else if (type.startsWith('Timestamp')) row[field.name] = new Date(Number(value)).toISOString().replace('Z', '').replace(/\.000$/, '');
      else row[field.name] = typeof value === 'bigint' ? Number(value) : value;
    }
    rows.push(row);
  }
  return rows;
}

async function framesOf(id: number, payload: Uint8Array, partBytes: number): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const frame of attachmentFrames(id, payload, partBytes)) frames.push(frame);
  return frames;
}

test('attachment framing: the encoder makes exactly the vectors’ bytes, and the decoder reads them back', async () => {
  for (const vector of manifest.framing) {
    const whole = vector.payload === null ? new Uint8Array(0) : bytes(vector.payload);
    const payload = vector.payloadBytes === undefined ? whole : whole.subarray(0, vector.payloadBytes);
    const made = await framesOf(vector.id, payload, vector.partBytes);
    assert.deepEqual(made.map((f) => Buffer.from(f).toString('hex')), vector.frames.map((f) => Buffer.from(bytes(f)).toString('hex')), vector.name);
    const decoded = vector.frames.map((f) => decodeAttachmentFrame(bytes(f)));
    assert.ok(decoded.every((part) => part.id === vector.id), vector.name);
    assert.deepEqual(decoded.map((part) => part.final), decoded.map((_, i) => i === decoded.length - 1), `${vector.name}: only the last part is final`);
    assert.deepEqual(Buffer.concat(decoded.map((part) => part.payload)), Buffer.from(payload), vector.name);
  }
  assert.deepEqual(encodeAttachmentFrame(0x01020304, Uint8Array.from([0xff]), true), Uint8Array.from([4, 3, 2, 1, 1, 0, 0, 0, 0xff]), 'u32 LE id, u32 LE flags, payload');
});

test('a recorded export: its parts reassemble into the Arrow stream the reply references, which decodes to the sample rows', () => {
  const inbox = new AttachmentInbox({ maxHeldBytes: 1 << 20 });
  for (const frame of manifest.export.frames) inbox.receive(bytes(frame));
  const reply = json<{ result: { attachment: number; rows: number; bytes: number } }>(manifest.export.reply);
  const ipc = inbox.take(reply.result.attachment);
  assert.deepEqual(Buffer.from(ipc), Buffer.from(bytes(manifest.export.payload)));
  assert.equal(ipc.byteLength, reply.result.bytes);
  const sample = json<Sample>(manifest.export.expected);
  const table = tableFromIPC(ipc);
  assert.equal(table.numRows, reply.result.rows);
  assert.deepEqual(table.schema.fields.map((f) => f.name), sample.columns.map((c) => c.name));
  assert.deepEqual(canonicalRows(table), sample.rows);
  assert.equal(inbox.held, 0, 'taken attachments are no longer held');
});

test('error replies rebuild as errors with the gateway’s code, kind and detail; the codes are the protocol’s', () => {
  assert.deepEqual(json('error-codes.json'), ErrorCodes);
  const cases: Array<[string, number, string, unknown]> = [
    ['error-frame-not-found.json', ErrorCodes.FrameNotFound, 'FrameNotFound', { name: 'nobody.nothing' }],
    ['error-sql-refused.json', ErrorCodes.SqlRefused, 'SqlRefused', { function: 'getenv' }],
  ];
  for (const [file, code, kind, detail] of cases) {
    const { error } = json<{ error: { code: number; message: string; data: ErrorData } }>(file);
    const rebuilt = toFramegateError(new ResponseError(error.code, error.message, error.data));
    assert.equal(rebuilt.code, code, file);
    assert.equal(rebuilt.kind, kind, file);
    assert.equal(error.data.kind, kind, file);
    assert.deepEqual(rebuilt.detail, detail, file);
  }
});

test('credentials: URLs key to the vectors’ keys, and lookups in the vectors’ file find the vectors’ users', () => {
  const vectors = json<{ keys: Array<[string, string | null]>; lookups: { cases: Array<[string, string | null]> } }>('gateway-keys.json');
  for (const [url, key] of vectors.keys) {
    if (key === null) assert.throws(() => gatewayKey(url), url);
    else assert.equal(gatewayKey(url), key, url);
  }
  const env = { FRAMEGATE_CONFIG_DIR: join(DIR, 'credentials') };
  for (const [url, user] of vectors.lookups.cases) assert.equal(readCredential(url, env)?.user ?? null, user, url);
});

test('an upload framed by the Python client reassembles and is read by the gateway’s decoder, types and values intact', () => {
  const upload = json<{ id: number; frames: string[]; expected: string }>('python-upload/manifest.json');
  const expected = json<{ fields: Array<{ name: string; kind: string }>; rows: Array<Record<string, unknown>> }>(upload.expected);
  const inbox = new AttachmentInbox({ maxHeldBytes: 1 << 20 });
  for (const frame of upload.frames) inbox.receive(bytes(frame));
  const table = decodeIpc(inbox.take(upload.id));
  assert.deepEqual(fieldsOf(table), expected.fields);
  const rows = canonicalRows(table).map((row) => ({ ...row, seen: typeof row.seen === 'string' ? new Date(`${row.seen}Z`).toISOString() : row.seen }));
  assert.deepEqual(rows, expected.rows);
});
