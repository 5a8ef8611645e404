/** Frame infos and identities for the pure extension tests. */
import type { FrameInfo, WhoAmIResult } from '../../protocol';

export function frameInfo(name: string, overrides: Partial<FrameInfo> = {}): FrameInfo {
  const dot = name.indexOf('.');
  const namespace = dot < 0 ? 'main' : name.slice(0, dot);
  return {
    kind: 'frame',
    name: dot < 0 ? `main.${name}` : name,
    namespace,
    owner: 'alice',
    columns: [
      { name: 'order_id', type: 'BIGINT' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'amount', type: 'DOUBLE' },
    ],
    rowCount: 1_000_000,
    createdAt: '2026-01-02T03:04:05.000Z',
    version: 3,
    versionCount: 3,
    bytes: 1_000,
    storedBytes: 3_000,
    author: overrides.owner ?? 'alice',
    source: 'SELECT * FROM x',
    scope: 'team',
    published: namespace === 'main',
    canWrite: false,
    canManage: false,
    ...overrides,
  };
}

export function whoami(user: string, overrides: Partial<WhoAmIResult> = {}): WhoAmIResult {
  return {
    user,
    admin: false,
    teamWriter: false,
    groups: [],
    namespace: user,
    teamNamespace: 'main',
    storage: { usedBytes: 0, versions: 0 },
    limits: { storageBytes: null, concurrentQueries: null },
    ...overrides,
  };
}
