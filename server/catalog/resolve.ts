/**
 * Names of objects (of every kind) as a principal uses them: resolving a name for reading, and
 * checking a name for writing. Access is decided by access.ts on every call.
 *
 * Bare names (see README "Names and versions"): reading `sales` means, in order, your own
 * `you.sales`, the team's `main.sales`, or the one object named `sales` shared with you; several of
 * the last kind is an AmbiguousName error listing them. Saving `sales` means `you.sales`. A name is
 * unique in its namespace across kinds: `alice.daily` is one frame, query or note.
 */
import { ErrorCodes, FramegateError, parseFrameRef, qualifiedName, TEAM_NAMESPACE, type FrameRef, type ObjectKind } from '../../protocol';
import { accessTo, canCreateIn, type Access, type Principal } from './access';
import type { Grants } from './grants';
import { CatalogMemo } from './memo';
import type { Objects } from './objects';
import type { GrantRecord, ObjectRecord, VersionRecord } from './records';
import { markRefused } from './refusals';
import type { Users } from './users';

/** A readable object a name resolved to. */
export interface ResolvedObject {
  object: ObjectRecord;
  access: Access;
}

/** A readable version (with its data or content) a name resolved to. */
export interface ResolvedVersion extends ResolvedObject {
  version: VersionRecord;
}

/** Where a save goes: checked before any data is written, and again when it is recorded. */
export interface WriteTarget {
  kind: ObjectKind;
  namespace: string;
  name: string;
  /** The live object of that name, if any (a save then adds a version). */
  existing?: ObjectRecord;
}

export const KIND_NOUNS: Record<ObjectKind, string> = { frame: 'frame', query: 'query', note: 'note', chart: 'chart' };

export function nounOf(kind: ObjectKind | undefined): string {
  return kind ? KIND_NOUNS[kind] : 'frame, query or note';
}

function notFound(text: string, kind: ObjectKind | undefined): FramegateError {
  return new FramegateError(ErrorCodes.FrameNotFound, `no ${nounOf(kind)} named ${text}`, { name: text });
}

/** Who asks, as far as access decides: the same key, the same answers. */
function askerKey(principal: Principal): string {
  return `${principal.userId}|${principal.name}|${principal.admin ? 'a' : ''}${principal.teamWriter ? 'w' : ''}|${principal.groupIds.join(',')}`;
}

export class ObjectResolver {
  private readonly reads: CatalogMemo<ResolvedVersion> | undefined;

  constructor(
    private readonly objects: Objects,
    private readonly grants: Grants,
    private readonly users: Users,
    version?: () => string,
  ) {
    this.reads = version && new CatalogMemo(version);
  }

  /** What `principal` may do with `object` (a note attached to a frame: also through the frame). */
  access(principal: Principal, object: ObjectRecord, grants: readonly GrantRecord[] = this.grants.of(object.id)): Access {
    const frame = object.attachedTo === null ? undefined : this.objects.byId(object.attachedTo);
    const attached = frame && frame.deletedAt === null ? accessTo(principal, frame, this.grants.of(frame.id)) : undefined;
    return accessTo(principal, object, grants, attached);
  }

  /** The live object `ref` names for `principal` (of `kind`, when given). FrameNotFound also when they may not read it. */
  resolveObject(principal: Principal, ref: FrameRef, kind?: ObjectKind, text = ''): ResolvedObject {
    const display = text || (ref.namespace ? qualifiedName(ref.namespace, ref.name) : ref.name);
    const object = ref.namespace ? this.readableIn(principal, ref.namespace, ref.name, display, kind) : this.readableBare(principal, ref.name, kind);
    if (!object) throw notFound(display, kind);
    if (kind && object.kind !== kind) {
      const hint = object.kind === 'query' ? ` (framegate query run ${display})` : '';
      throw new FramegateError(ErrorCodes.FrameNotFound, `${qualifiedName(object.namespace, object.name)} is a ${KIND_NOUNS[object.kind]}, not a ${KIND_NOUNS[kind]}${hint}`, {
        name: display,
      });
    }
    return { object, access: this.access(principal, object) };
  }

  /**
   * The version `ref` names (the latest without `@N`), with its data or content present. Found
   * ones are remembered until the catalog changes; refusals are decided (and audited) afresh.
   */
  resolveRead(principal: Principal, ref: FrameRef, kind?: ObjectKind, text = ''): ResolvedVersion {
    if (!this.reads) return this.resolveReadNow(principal, ref, kind, text);
    const key = `${askerKey(principal)}\u0000${ref.namespace ?? ''}\u0000${ref.name}\u0000${ref.version ?? ''}\u0000${kind ?? ''}\u0000${text}`;
    return this.reads.get(key, () => this.resolveReadNow(principal, ref, kind, text));
  }

  private resolveReadNow(principal: Principal, ref: FrameRef, kind?: ObjectKind, text = ''): ResolvedVersion {
    const resolved = this.resolveObject(principal, ref, kind, text);
    const { object } = resolved;
    const full = qualifiedName(object.namespace, object.name);
    const version = ref.version === undefined ? this.objects.latest(object.id) : this.objects.version(object.id, ref.version);
    const display = text || full;
    if (!version) throw new FramegateError(ErrorCodes.FrameNotFound, `${full} has no version ${ref.version}`, { name: display });
    if (version.removed) {
      const what = object.kind === 'frame' ? 'data' : 'content';
      throw new FramegateError(ErrorCodes.FrameNotFound, `the ${what} of ${full}@${version.version} was removed`, { name: display });
    }
    return { ...resolved, version };
  }

  /** Parses and resolves a reference given as text (`alice.sales@3`). */
  resolveText(principal: Principal, text: string, kind?: ObjectKind): ResolvedVersion {
    return this.resolveRead(principal, parseFrameRef(text), kind, text);
  }

  private readableIn(principal: Principal, namespace: string, name: string, display: string, kind: ObjectKind | undefined): ObjectRecord | undefined {
    const object = this.objects.findLive(namespace, name);
    if (!object) return undefined;
    if (this.access(principal, object).read) return object;
    // Someone asked for this very object and may not see it: an audited refusal, worded like a miss.
    throw markRefused(notFound(display, kind), { object, wanted: 'read' });
  }

  private readableBare(principal: Principal, name: string, kind: ObjectKind | undefined): ObjectRecord | undefined {
    const readable = this.objects.liveNamed(name).filter((o) => this.access(principal, o).read);
    const candidates = kind ? readable.filter((o) => o.kind === kind) : readable;
    const own = candidates.find((o) => o.namespace === principal.name);
    if (own) return own;
    const team = candidates.find((o) => o.namespace === TEAM_NAMESPACE);
    if (team) return team;
    if (candidates.length > 1) {
      const names = candidates.map((o) => qualifiedName(o.namespace, o.name));
      throw new FramegateError(ErrorCodes.AmbiguousName, `${name} could be ${names.join(' or ')}: write the namespace`, { name, candidates: names });
    }
    // Nothing of the kind: a readable object of another kind under that name says what it is.
    return candidates[0] ?? readable.find((o) => o.namespace === principal.name || o.namespace === TEAM_NAMESPACE) ?? (readable.length === 1 ? readable[0] : undefined);
  }

  /** Checks that `principal` may save `text` (a name) as an object of `kind`, and says where it goes. */
  planWrite(principal: Principal, text: string, kind: ObjectKind): WriteTarget {
    const ref = parseFrameRef(text);
    if (ref.version !== undefined) throw new FramegateError(ErrorCodes.InvalidParams, `save by name, without a version: ${text}`);
    const namespace = ref.namespace ?? principal.name;
    const existing = this.objects.findLive(namespace, ref.name);
    const full = qualifiedName(namespace, ref.name);
    const refused = () =>
      new FramegateError(
        ErrorCodes.Forbidden,
        namespace === TEAM_NAMESPACE
          ? `only admins and team writers may save in the team namespace ${TEAM_NAMESPACE}`
          : `you may not save in namespace ${namespace}: save in your own (${qualifiedName(principal.name, ref.name)}), or ask for a write share of ${full}`,
      );
    if (existing) {
      const access = this.access(principal, existing);
      if (!access.read) throw markRefused(refused(), { object: existing, wanted: 'write' });
      const existingFull = qualifiedName(existing.namespace, existing.name);
      if (existing.kind !== kind) {
        throw new FramegateError(ErrorCodes.NameTaken, `${existingFull} is a ${KIND_NOUNS[existing.kind]}: a ${KIND_NOUNS[kind]} needs another name`, { name: existingFull });
      }
      if (!access.write) {
        const owner = this.users.byId(existing.ownerId)?.name ?? 'its owner';
        throw markRefused(new FramegateError(ErrorCodes.Forbidden, `you may read ${existingFull} but not save new versions of it: ask ${owner} to share it with you --write`), {
          object: existing,
          wanted: 'write',
        });
      }
      return { kind, namespace: existing.namespace, name: existing.name, existing };
    }
    if (!canCreateIn(principal, namespace, this.objects.namespace(namespace)?.ownerId)) throw refused();
    return { kind, namespace, name: ref.name };
  }

  /** The object `principal` may manage under that name: FrameNotFound if they cannot read it, Forbidden if they cannot manage it. */
  manageable(principal: Principal, text: string, kind?: ObjectKind): ResolvedObject {
    const resolved = this.resolveObject(principal, parseFrameRef(text), kind, text);
    if (!resolved.access.manage) {
      const full = qualifiedName(resolved.object.namespace, resolved.object.name);
      const owner = this.users.byId(resolved.object.ownerId)?.name ?? '?';
      throw markRefused(new FramegateError(ErrorCodes.Forbidden, `only the owner of ${full} (${owner}) or an admin may do that`), { object: resolved.object, wanted: 'manage' });
    }
    return resolved;
  }
}
