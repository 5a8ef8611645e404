/** The Engine conformance suite on the embedded DuckDB engine. */
import { openDuckDBEngine } from '../../../server/engine';
import { runConformance } from './conformance';

runConformance({ name: 'duckdb', open: (options) => openDuckDBEngine(options) });
