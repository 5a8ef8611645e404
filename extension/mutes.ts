/**
 * `framegate.notifications.mute`: whose or which news not to pop up. Each entry is a person
 * (`bob`: what bob does), a namespace (`bob.*`: whatever happens to objects there, and to notes on
 * frames there) or one object (`main.sales`). Muting only silences pop-ups; the tree still updates.
 */
import type { GatewayEvent } from '../protocol';

export type MuteRule = { kind: 'person'; name: string } | { kind: 'namespace'; namespace: string } | { kind: 'object'; name: string };

const IDENT = '[A-Za-z_][A-Za-z0-9_]{0,62}';
const PERSON = new RegExp(`^${IDENT}$`);
const NAMESPACE = new RegExp(`^(${IDENT})\\.\\*$`);
const OBJECT = new RegExp(`^${IDENT}\\.${IDENT}$`);

/** The setting's pattern (package.json holds the same, for the settings editor). */
export const MUTE_PATTERN_HELP = 'a person (bob), a namespace (bob.*) or one object (main.sales)';

export function parseMute(text: string): MuteRule | undefined {
  const value = text.trim().toLowerCase();
  if (PERSON.test(value)) return { kind: 'person', name: value };
  const namespace = NAMESPACE.exec(value);
  if (namespace) return { kind: 'namespace', namespace: namespace[1]! };
  if (OBJECT.test(value)) return { kind: 'object', name: value };
  return undefined;
}

/** The setting's value as rules; entries that are not patterns are returned apart, to be reported. */
export function parseMutes(value: unknown): { rules: MuteRule[]; invalid: string[] } {
  const rules: MuteRule[] = [];
  const invalid: string[] = [];
  for (const entry of Array.isArray(value) ? value : []) {
    const rule = typeof entry === 'string' ? parseMute(entry) : undefined;
    if (rule) rules.push(rule);
    else invalid.push(String(entry));
  }
  return { rules, invalid };
}

function namespaceOf(name: string): string {
  return name.slice(0, Math.max(0, name.indexOf('.'))).toLowerCase();
}

/** The rule that silences `event`, if any. The gateway's shutdown is never muted. */
export function mutingRule(event: GatewayEvent, rules: readonly MuteRule[]): MuteRule | undefined {
  if (event.type === 'gateway.shutdown') return undefined;
  const by = event.by.toLowerCase();
  // A note is also about the frame it is on.
  const names = [event.object.name, ...(event.type === 'object.created' && event.attachedTo ? [event.attachedTo] : [])].map((n) => n.toLowerCase());
  return rules.find((rule) => {
    switch (rule.kind) {
      case 'person':
        return rule.name === by;
      case 'namespace':
        return names.some((n) => namespaceOf(n) === rule.namespace);
      case 'object':
        return names.includes(rule.name);
    }
  });
}

/** What a "Mute…" button offers for `event`: its author, then the namespace of what it is about. */
export function muteCandidates(event: GatewayEvent): string[] {
  if (event.type === 'gateway.shutdown') return [];
  const namespace = namespaceOf(event.object.name);
  return [event.by.toLowerCase(), ...(namespace ? [`${namespace}.*`] : [])];
}

/** The setting with `pattern` added (once). */
export function withMute(current: unknown, pattern: string): string[] {
  const entries = Array.isArray(current) ? current.filter((e): e is string => typeof e === 'string') : [];
  return entries.some((e) => e.trim().toLowerCase() === pattern.toLowerCase()) ? entries : [...entries, pattern];
}
