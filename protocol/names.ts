/**
 * Names: users, groups, namespaces and frames. Every part is an identifier, so a frame name is
 * also what SQL uses to refer to it (`SELECT * FROM alice.sales`). Identifiers are
 * case-insensitive everywhere (as unquoted SQL identifiers are): user, group and namespace names
 * are kept in lower case; a frame keeps the case it was first saved with and is found in any case.
 */

const IDENT = '[A-Za-z_][A-Za-z0-9_]{0,62}';

/** A user, group or namespace name, or the short name of a frame. */
export const IDENTIFIER_PATTERN = new RegExp(`^${IDENT}$`);
/** What a write names: `name` or `namespace.name`. */
export const FRAME_NAME_PATTERN = new RegExp(`^(?:${IDENT}\\.)?${IDENT}$`);
/** What a read names: a frame name, optionally with a version, `alice.sales@3`. */
export const FRAME_REF_PATTERN = new RegExp(`^(?:${IDENT}\\.)?${IDENT}(?:@[1-9][0-9]{0,8})?$`);

/** The team's shared namespace: readable by everyone, writable by admins and team writers. */
export const TEAM_NAMESPACE = 'main';

export const FRAME_NAME_HELP =
  'a frame name is an identifier (letters, digits, _; not starting with a digit), optionally prefixed by a namespace: "sales" or "alice.sales"';
export const FRAME_REF_HELP = `${FRAME_NAME_HELP}, optionally with a version: "alice.sales@3"`;

/** A frame as a reader or writer names it. Absent parts are resolved by the gateway (see README). */
export interface FrameRef {
  namespace?: string;
  name: string;
  /** A given version; the latest when absent. */
  version?: number;
}

/** Parses `[namespace.]name[@version]`; throws on anything else. */
export function parseFrameRef(text: string): FrameRef {
  if (!FRAME_REF_PATTERN.test(text)) throw new Error(`"${text}" is not a frame name: ${FRAME_REF_HELP}`);
  const at = text.indexOf('@');
  const base = at < 0 ? text : text.slice(0, at);
  const dot = base.indexOf('.');
  const ref: FrameRef = dot < 0 ? { name: base } : { namespace: base.slice(0, dot).toLowerCase(), name: base.slice(dot + 1) };
  if (at >= 0) ref.version = Number(text.slice(at + 1));
  return ref;
}

/** `namespace.name`, the one spelling of a frame's full name. */
export function qualifiedName(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

export function formatFrameRef(ref: FrameRef): string {
  const base = ref.namespace ? qualifiedName(ref.namespace, ref.name) : ref.name;
  return ref.version === undefined ? base : `${base}@${ref.version}`;
}

/** The canonical (lower-case) form of a user, group or namespace name. */
export function normalizeIdentifier(name: string): string {
  return name.toLowerCase();
}
