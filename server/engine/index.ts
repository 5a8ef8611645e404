/** The engine package: the DuckDB engine, the demo seed, and the CLI's local file helpers. */
export type { ArrowExport, ArrowWindow, Engine, EngineOptions, EngineSession, WindowRequest, WriteOptions } from './engine';
export { openDuckDBEngine, type DuckDBEngine, type EngineTuning } from './duckdb-engine';
export { seedDemo, DEMO_SALES_SQL, DEMO_ROWS } from './demo';
export { readLocalFileAsArrow, writeArrowToFile } from './local-files';
export type { SortCacheStats } from './sort-cache';
