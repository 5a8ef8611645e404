/**
 * Reading `EXPLAIN EXTENDED` output: its sections (parsed, analyzed, optimized, physical) and the
 * nodes of a plan tree. A tree prints one node per line, children under `+- ` / `:- ` with `:  `
 * and three spaces as indentation; a literal or a quoted name holding a line break continues a
 * node on lines without that prefix (skipped here: they can only add text, never hide a node, and
 * a section header line appearing twice is refused, so no literal can end a section early).
 */

const HEADERS = ['== Parsed Logical Plan ==', '== Analyzed Logical Plan ==', '== Optimized Logical Plan ==', '== Physical Plan =='] as const;

export class PlanTextError extends Error {}

export interface ExplainSections {
  parsed: string[];
  analyzed: string[];
  /** The analyzer's error when analysis failed (the analyzed section then holds only that). */
  analysisError: string | null;
}

export function splitExplain(text: string): ExplainSections {
  const lines = text.split('\n');
  const at = HEADERS.map((header) => {
    const found = lines.flatMap((line, i) => (line === header ? [i] : []));
    if (found.length > 1) throw new PlanTextError(`the plan shows "${header}" more than once (a line break in a literal or name?)`);
    return found[0] ?? -1;
  });
  const [parsedAt, analyzedAt] = at as [number, number, number, number];
  if (parsedAt !== 0 || analyzedAt < 0) throw new PlanTextError('unexpected EXPLAIN output');
  const nextAfter = (start: number) => Math.min(...at.filter((i) => i > start), lines.length);
  const trim = (section: string[]) => {
    const copy = [...section];
    while (copy.length > 0 && copy[copy.length - 1]!.trim() === '') copy.pop();
    return copy;
  };
  const parsed = trim(lines.slice(parsedAt + 1, analyzedAt));
  const analyzed = trim(lines.slice(analyzedAt + 1, nextAfter(analyzedAt)));
  const first = analyzed[0] ?? '';
  const failed = /^[a-z][\w.]*(?:Exception|Error): /.exec(first);
  let analysisError: string | null = null;
  if (failed) {
    // The message, without the exception class and the plan Spark appends after it.
    // It ends on the line with its SQLSTATE (followed by "; line L pos P;").
    const message: string[] = [];
    for (const line of [first.slice(failed[0].length), ...analyzed.slice(1)]) {
      if (line.startsWith("'") && message.length > 0) break;
      message.push(line);
      if (/SQLSTATE: \w+/.test(line)) break;
    }
    analysisError = message.join('\n').replace(/(SQLSTATE: \w+).*$/s, '$1');
  }
  return { parsed, analyzed, analysisError };
}

export interface PlanNode {
  /** Node class as printed, without the `'` that marks unresolved nodes: `Project`, `UnresolvedRelation`. */
  name: string;
  /** The node's line without tree prefix. */
  text: string;
  /** Nesting in the printed tree: 0 for the root; a node's ancestors are the nearest earlier nodes of smaller depth. */
  depth: number;
}

const CHILD_PREFIX = /^((?: {3}|: {2})*(?:\+- |:- ))(.*)$/;
const NODE_NAME = /^'?([A-Za-z][\w$]*)/;

/** The nodes of one printed tree (continuation lines skipped). */
export function planNodes(lines: string[]): PlanNode[] {
  const nodes: PlanNode[] = [];
  lines.forEach((line, i) => {
    const child = i === 0 ? null : CHILD_PREFIX.exec(line);
    if (i > 0 && !child) return;
    const text = child ? child[2]! : line;
    const name = NODE_NAME.exec(text)?.[1];
    if (name) nodes.push({ name, text, depth: child ? child[1]!.length / 3 : 0 });
  });
  return nodes;
}
