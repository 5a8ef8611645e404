/**
 * Sizes of the memory budget: `--memory-limit` text ("4GB", "512MiB", "2000000000") to bytes, the
 * default sized to the machine, and how the budget is split between the engine and the gateway.
 */
import { totalmem } from 'node:os';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** The smallest budget the gateway runs with: below it not even the engine's working set fits. */
export const MIN_MEMORY_LIMIT = 256 * 2 ** 20;

/** Bytes of a size as DuckDB writes them: KB/MB/GB are powers of 1000, KiB/MiB/GiB (and k/m/g) of 1024. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`"${text}" is not a size: write e.g. 4GB, 512MiB or a number of bytes`);
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new Error(`${text} is too large`);
  return bytes;
}

/** The machine's memory, or the container's limit when it has a smaller one. */
export function machineMemory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return constrained > 0 && constrained < total ? constrained : total;
}

/** Half of the machine's (or container's) memory: the rest is the OS's, other programs' and the JS heap's. */
export function defaultMemoryLimit(): number {
  return Math.max(MIN_MEMORY_LIMIT, Math.floor(machineMemory() / 2));
}

export interface BudgetShares {
  /** DuckDB's `memory_limit`: its working memory, cache of stored data, results and sorted copies (which spill to disk beyond it). */
  engineBytes: number;
  /** What the gateway itself may hold: upload parts, windows and export parts being encoded, send queues. */
  gatewayBytes: number;
}

/** The engine gets 60 %; DuckDB's own allocations run over its limit now and then, which the rest absorbs. */
export function splitBudget(limitBytes: number): BudgetShares {
  const engineBytes = Math.floor(limitBytes * 0.6);
  return { engineBytes, gatewayBytes: limitBytes - engineBytes };
}
