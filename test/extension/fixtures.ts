/** Frame infos for the pure extension tests. */
import type { FrameInfo } from '../../protocol';

export function frameInfo(name: string, overrides: Partial<FrameInfo> = {}): FrameInfo {
  const dot = name.indexOf('.');
  return {
    name,
    namespace: dot < 0 ? 'main' : name.slice(0, dot),
    owner: 'alice',
    columns: [
      { name: 'order_id', type: 'BIGINT' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
    ],
    rowCount: 1_000_000,
    createdAt: '2026-01-02T03:04:05.000Z',
    version: 3,
    source: 'SELECT * FROM x',
    ...overrides,
  };
}
