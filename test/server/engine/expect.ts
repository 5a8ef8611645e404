/** Engine-neutral assertions for engine tests. */
import { tableFromIPC, type Table } from 'apache-arrow';
import { FramegateError } from '../../../protocol';

export function decode(ipc: Uint8Array): Table {
  return tableFromIPC(ipc);
}

/** Asserts a promise fails with a FramegateError of `kind`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<FramegateError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof FramegateError)) throw new Error(`expected FramegateError ${kind}, got ${String(error)}`);
    if (error.kind !== kind) throw new Error(`expected ${kind}, got ${error.kind}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${String(message)}`);
    return error;
  }
  throw new Error(`expected FramegateError ${kind}, but it succeeded`);
}

/** Asserts a promise fails with one of the `kinds`. */
export async function rejectsWithOneOf(promise: Promise<unknown>, kinds: string[]): Promise<FramegateError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof FramegateError)) throw new Error(`expected FramegateError ${kinds.join('/')}, got ${String(error)}`);
    if (!kinds.includes(error.kind)) throw new Error(`expected ${kinds.join('/')}, got ${error.kind}: ${error.message}`);
    return error;
  }
  throw new Error(`expected FramegateError ${kinds.join('/')}, but it succeeded`);
}
