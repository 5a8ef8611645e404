import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelPair } from '../../rpc/memory-channel';

test('messages cross in order and asynchronously, text and bytes alike; buffers are copied', async () => {
  const [a, b] = channelPair();
  const received: (string | Uint8Array)[] = [];
  const done = new Promise<void>((resolve) => b.onMessage((data) => received.push(data) === 3 && resolve()));
  const bytes = Uint8Array.from([1, 2, 3]);
  await a.send('one');
  await a.send(bytes);
  bytes[0] = 9;
  await a.send('three');
  assert.equal(received.length, 0, 'nothing is delivered synchronously');
  await done;
  assert.deepEqual(received, ['one', Uint8Array.from([1, 2, 3]), 'three']);
});

test('closing one end closes both with the same code and reason; sends then fail', async () => {
  const [a, b] = channelPair();
  const closed = new Promise<[number, string]>((resolve) => b.onClose((code, reason) => resolve([code, reason])));
  a.close(4001, 'bye');
  assert.equal(a.isOpen, false);
  assert.deepEqual(await closed, [4001, 'bye']);
  await assert.rejects(b.send('late'));
});
