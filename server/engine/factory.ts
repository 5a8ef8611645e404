/** Opens the engine the gateway is configured with. */
import { ErrorCodes, FramegateError } from '../../protocol';
import { openDuckDBEngine } from './duckdb/engine';
import type { Engine, EngineOptions } from './engine';

export type EngineKind = 'duckdb' | 'spark';

export const ENGINE_KINDS: readonly EngineKind[] = ['duckdb', 'spark'];

export async function openEngine(kind: EngineKind, options: EngineOptions): Promise<Engine> {
  switch (kind) {
    case 'duckdb':
      return openDuckDBEngine(options);
    case 'spark':
      throw new FramegateError(ErrorCodes.InternalError, 'the Spark Connect engine is not available yet');
  }
}
