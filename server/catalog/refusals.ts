/**
 * Refusals the audit log must record. Where the catalog refuses an access (an object hidden from
 * the caller, a write or manage without the right) it marks the error it throws; the session's
 * dispatcher, outside any transaction (whose rollback would take an audit line with it), records
 * the marked errors. The mark never reaches the client: the error reads exactly like a miss.
 */
import type { FramegateError } from '../../protocol';
import type { ObjectRecord } from './records';

export interface Refusal {
  object: ObjectRecord;
  version?: number;
  /** What was refused: read, write, manage. */
  wanted: 'read' | 'write' | 'manage';
}

const refusals = new WeakMap<FramegateError, Refusal>();

export function markRefused<E extends FramegateError>(error: E, refusal: Refusal): E {
  refusals.set(error, refusal);
  return error;
}

export function refusalOf(error: unknown): Refusal | undefined {
  return typeof error === 'object' && error !== null ? refusals.get(error as FramegateError) : undefined;
}
