// Type-aware lint over all TypeScript sources, and the folder fences that keep the architecture.
import tseslint from 'typescript-eslint';

/** `@typescript-eslint/no-restricted-imports` with these patterns (type-only imports allowed where said). */
function fence(patterns) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] };
}
const noVscode = { group: ['vscode'], message: 'only extension/ imports vscode' };
const noDuckdb = { group: ['@duckdb/*'], message: 'only server/engine/duckdb/duckdb.ts (and duckdb-arrow.ts, arrow-duckdb.ts: its values to and from Arrow) imports DuckDB' };
const noSqlite = { group: ['better-sqlite3'], message: 'only server/catalog/store.ts opens SQLite' };
const noZod = { group: ['zod'], message: 'only protocol/schemas.ts builds schemas (the gateway validates; clients do not bundle zod)', allowTypeImports: true };
const noSchemas = { group: ['**/protocol/schemas'], message: 'clients import the protocol, not its zod schemas' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'out/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      ...fence([noVscode, noDuckdb, noSqlite, noZod]),
    },
  },
  // The protocol imports nothing of ours.
  { files: ['protocol/**/*.ts'], rules: fence([{ group: ['../*', '!./*'], message: 'protocol/ imports nothing of ours' }, noVscode, noDuckdb, noSqlite]) },
  { files: ['protocol/schemas.ts'], rules: fence([{ group: ['../*'], message: 'protocol/ imports nothing of ours' }]) },
  // The webview imports only protocol types (it runs in a browser sandbox).
  {
    files: ['webview/**/*.ts'],
    rules: fence([
      { group: ['../protocol', '../protocol/*'], message: 'the webview imports only protocol types', allowTypeImports: true },
      { group: ['../rpc/*', '../server/*', '../extension/*', '../cli/*', 'node:*'], message: 'the webview imports only protocol types' },
      noVscode,
      noZod,
    ]),
  },
  { files: ['extension/**/*.ts', 'test/electron/**/*.ts'], rules: fence([noDuckdb, noSqlite, noZod, noSchemas, { group: ['../server/*', '../cli/*'], message: 'the extension talks to the gateway only through the protocol' }]) },
  { files: ['cli/**/*.ts'], rules: fence([noVscode, noDuckdb, noSqlite, noZod]) },
  // The language server talks to the gateway only through the protocol and rpc/, never to VS Code itself.
  {
    files: ['lsp/**/*.ts'],
    rules: fence([noVscode, noDuckdb, noSqlite, noZod, noSchemas, { group: ['../server/*', '../extension/*', '../cli/*', '../webview/*'], message: 'the language server imports only protocol/ and rpc/' }]),
  },
  { files: ['server/engine/duckdb/duckdb.ts', 'server/engine/duckdb/duckdb-arrow.ts', 'server/engine/duckdb/arrow-duckdb.ts'], rules: fence([noVscode, noSqlite, noZod]) },
  { files: ['server/catalog/store.ts', 'test/**/*.ts', 'bench/**/*.ts'], rules: fence([noVscode, noZod]) },
  { files: ['test/electron/**/*.ts'], rules: fence([noDuckdb, noSqlite, noZod]) },
);
