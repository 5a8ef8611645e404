import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ATTACHMENT_HEADER_BYTES,
  ErrorCodes,
  FramegateError,
  Methods,
  decodeAttachmentFrame,
  encodeAttachmentFrame,
  errorKind,
  formatFrameRef,
  parseFrameRef,
} from '../../protocol';
import { FrameName, FrameRefText, methodKeys, ParamSchemas, WindowParams } from '../../protocol/schemas';

test('attachment frames round-trip id, final flag and payload', () => {
  const payload = Uint8Array.from([1, 2, 3, 250]);
  const frame = encodeAttachmentFrame(0xfeedbeef, payload, true);
  assert.equal(frame.byteLength, ATTACHMENT_HEADER_BYTES + payload.byteLength);
  assert.deepEqual(decodeAttachmentFrame(frame), { id: 0xfeedbeef, final: true, payload });
  const middle = decodeAttachmentFrame(encodeAttachmentFrame(7, new Uint8Array(0), false));
  assert.equal(middle.final, false);
  assert.equal(middle.payload.byteLength, 0);
});

test('a frame decodes from a view into a larger buffer, as transports hand them over', () => {
  const frame = encodeAttachmentFrame(3, Uint8Array.from([9, 8]), true);
  const padded = new Uint8Array(frame.byteLength + 10);
  padded.set(frame, 5);
  assert.deepEqual(decodeAttachmentFrame(padded.subarray(5, 5 + frame.byteLength)), { id: 3, final: true, payload: Uint8Array.from([9, 8]) });
});

test('a binary frame shorter than the header is refused', () => {
  assert.throws(() => decodeAttachmentFrame(new Uint8Array(ATTACHMENT_HEADER_BYTES - 1)), /shorter than the attachment header/);
});

test('frame names are identifiers with an optional namespace; reads may add a version', () => {
  for (const good of ['sales', 'alice.sales', '_tmp', 'Sales2024']) assert.ok(FrameName.safeParse(good).success, good);
  for (const bad of ['', '2024sales', 'a.b.c', 'sales;drop', 'my sales', '"sales"', 'x'.repeat(64), 'sales@2']) assert.ok(!FrameName.safeParse(bad).success, bad);
  for (const good of ['sales@1', 'alice.sales@12', 'sales']) assert.ok(FrameRefText.safeParse(good).success, good);
  for (const bad of ['sales@0', 'sales@', 'sales@x', 'a.b@1@2']) assert.ok(!FrameRefText.safeParse(bad).success, bad);
  assert.deepEqual(parseFrameRef('Alice.Sales@3'), { namespace: 'alice', name: 'Sales', version: 3 });
  assert.deepEqual(parseFrameRef('sales'), { name: 'sales' });
  assert.equal(formatFrameRef({ namespace: 'alice', name: 'sales', version: 2 }), 'alice.sales@2');
  assert.throws(() => parseFrameRef('a b'), /not a frame name/);
});

test('every method has a params schema and a unique name; schemas refuse unknown keys and bad types', () => {
  assert.deepEqual(Object.keys(ParamSchemas).sort(), Object.keys(Methods).sort());
  assert.equal(methodKeys.size, Object.keys(Methods).length, 'method names are unique');
  for (const [key, type] of Object.entries(Methods)) assert.equal(methodKeys.get(type.method), key);
  const source = { kind: 'frame', name: 'sales' };
  assert.ok(WindowParams.safeParse({ source, offset: 0, limit: 100 }).success);
  assert.ok(!WindowParams.safeParse({ source, offset: -1, limit: 100 }).success);
  assert.ok(!WindowParams.safeParse({ source, offset: 0, limit: 0 }).success);
  assert.ok(!WindowParams.safeParse({ source, offset: 0, limit: 10, extra: true }).success);
  assert.ok(!WindowParams.safeParse({ source: { kind: 'file', name: 'x' }, offset: 0, limit: 10 }).success);
  const sorted = WindowParams.parse({ source, offset: 0, limit: 1, sort: [{ column: 'amount' }] });
  assert.equal(sorted.sort?.[0]?.descending, false);
  assert.ok(ParamSchemas.share.safeParse({ name: 'x', with: { kind: 'team' } }).success);
  assert.ok(!ParamSchemas.share.safeParse({ name: 'x', with: { kind: 'team', name: 'y' } }).success);
  assert.ok(!ParamSchemas.addUser.safeParse({ name: 'bad name' }).success);
});

test('Framegate error codes sit outside the JSON-RPC reserved range and carry their kind', () => {
  for (const [kind, code] of Object.entries(ErrorCodes)) {
    const reserved = code >= -32768 && code <= -32000;
    const specDefined = ['ParseError', 'InvalidRequest', 'MethodNotFound', 'InvalidParams', 'InternalError'].includes(kind);
    assert.equal(reserved, specDefined, `${kind} (${code})`);
    assert.equal(errorKind(code), kind);
  }
  const error = new FramegateError(ErrorCodes.FrameNotFound, 'no frame named x', { name: 'x' });
  assert.deepEqual(error.toErrorData(), { kind: 'FrameNotFound', detail: { name: 'x' } });
});
