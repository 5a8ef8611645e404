import type { FileFormat } from '../../protocol';

/** Quoting for SQL the engine builds itself (identifiers and string literals only). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The table function reading a file of a format. */
export function fileReader(path: string, format: FileFormat): string {
  const literal = quoteLiteral(path);
  switch (format) {
    case 'csv':
      return `read_csv(${literal})`;
    case 'parquet':
      return `read_parquet(${literal})`;
    case 'json':
      return `read_json_auto(${literal})`;
  }
}
