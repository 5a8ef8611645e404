/** The engine package: the Engine interface, the factory, the import policy and the CLI's local file helpers. */
export * from './engine';
export { openEngine, ENGINE_KINDS, type EngineKind } from './factory';
export { createImportPolicy, type ImportPolicy } from './import-policy';
export { openDuckDBEngine, type DuckDBEngine, type EngineCacheStats, type EngineTuning } from './duckdb/engine';
export { readLocalFileAsArrow, writeArrowToFile } from './local-files';
