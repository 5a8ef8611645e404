// The one build script: every bundle (CLI/gateway, VS Code extension, webview) goes through esbuild.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
  // ws's optional native speed-ups: absent is fine, ws falls back to JS.
  external: ['bufferutil', 'utf-8-validate'],
};

const builds = [
  {
    ...common,
    entryPoints: { cli: 'cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    // DuckDB and SQLite are native modules: loaded from node_modules at run time, never bundled.
    external: [...common.external, '@duckdb/node-api', '@duckdb/node-bindings*', 'better-sqlite3'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { extension: 'extension/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    external: [...common.external, 'vscode'],
  },
  {
    ...common,
    // The SQL language server: its own process, started by the extension (vscode-languageclient).
    entryPoints: { lsp: 'lsp/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    loader: { '.css': 'css' },
  },
  {
    ...common,
    // The notebook renderer: an ES module VS Code loads into the notebook's output webview; its
    // CSS is bundled as text and applied as constructed style sheets in each output's shadow root.
    entryPoints: { 'notebook-renderer': 'webview/notebook-renderer.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'esm',
    loader: { '.css': 'text' },
  },
];

mkdirSync('dist', { recursive: true });
// The Spark engine loads the Spark Connect protocol at run time from dist/spark-protos (next to
// dist/cli.js). The .proto files are extracted from the pyspark wheel by scripts/spark/install.sh
// into .cache/spark/protos and never committed; without them the DuckDB engine still works.
const protos = process.env.FRAMEGATE_SPARK_PROTOS ?? '.cache/spark/protos';
rmSync('dist/spark-protos', { recursive: true, force: true });
if (existsSync(`${protos}/spark/connect/base.proto`)) {
  cpSync(`${protos}/spark`, 'dist/spark-protos/spark', { recursive: true });
} else {
  console.warn(`build: no Spark Connect protos in ${protos} (run bash scripts/spark/install.sh for --engine spark)`);
}
// parquet-wasm (Parquet exports of the CLI and the extension) loads its WebAssembly from beside the bundle.
cpSync('node_modules/parquet-wasm/node/parquet_wasm_bg.wasm', 'dist/parquet_wasm_bg.wasm');
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
