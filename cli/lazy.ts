/**
 * Modules only some commands need, loaded on first use: they pull in DuckDB's native module,
 * which client commands like `ls` should not pay for at start-up. (`import()` would need file
 * extensions under NodeNext; a typed `require` stays lazy in the esbuild bundle too.)
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as EngineModule from '../server/engine';
import type * as CheckModule from '../server/data-dir/check';
import type * as ServeModule from '../server/serve';

export const loadEngine = (): typeof EngineModule => require('../server/engine') as typeof EngineModule;
export const loadServe = (): typeof ServeModule => require('../server/serve') as typeof ServeModule;
export const loadCheck = (): typeof CheckModule => require('../server/data-dir/check') as typeof CheckModule;
