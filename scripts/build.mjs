// The one build script: every bundle (CLI/gateway, VS Code extension, webview) goes through esbuild.
import * as esbuild from 'esbuild';
import { mkdirSync, copyFileSync } from 'node:fs';

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
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    loader: { '.css': 'css' },
  },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
