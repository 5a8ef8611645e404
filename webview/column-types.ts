/** What the grid needs to know about engine type names (DuckDB spelling). */

const NUMERIC = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+|UINT\d+|FLOAT\d*|DOUBLE|REAL|DECIMAL(\(\d+\s*,\s*\d+\))?|NUMERIC(\(\d+\s*,\s*\d+\))?|UHUGEINT)$/i;

/** Numbers are right-aligned so digits line up; 64-bit integers arrive as text but are numbers. */
export function isNumericType(type: string): boolean {
  return NUMERIC.test(type.trim());
}
