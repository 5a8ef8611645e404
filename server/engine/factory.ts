/** Opens the engine the gateway is configured with. */
import { ErrorCodes, FramegateError } from '../../protocol';
import { openDuckDBEngine } from './duckdb/engine';
import type { Engine, EngineOptions } from './engine';
import { openSparkEngine } from './spark/engine';

export type EngineKind = 'duckdb' | 'spark';

export const ENGINE_KINDS: readonly EngineKind[] = ['duckdb', 'spark'];

/** What only the Spark engine needs: where its server is, and the prefix of its databases. */
export interface SparkSettings {
  remote?: string;
  database?: string;
}

export async function openEngine(kind: EngineKind, options: EngineOptions, spark: SparkSettings = {}): Promise<Engine> {
  switch (kind) {
    case 'duckdb':
      return openDuckDBEngine(options);
    case 'spark':
      if (!spark.remote) throw new FramegateError(ErrorCodes.InternalError, 'the Spark engine needs the address of a Spark Connect server (sc://HOST:PORT)');
      return openSparkEngine({ ...options, remote: spark.remote, ...(spark.database ? { database: spark.database } : {}) });
  }
}
