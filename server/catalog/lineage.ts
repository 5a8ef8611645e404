/**
 * Lineage as a principal may see it: a version's chain back to its sources (files, uploads, the
 * demo), through the exact versions each step read. A version the principal may not read is
 * shown as opaque, and nothing of what it was made from. Versions only read versions older than
 * themselves, so the chain ends; a version read twice is shown once in full.
 */
import { qualifiedName, type LineageNode } from '../../protocol';
import type { Principal } from './access';
import type { ObjectDescriber } from './describe';
import type { Objects } from './objects';
import type { Reads } from './reads';
import type { ObjectResolver } from './resolve';

/** Nodes in one answer at most, so a very wide history cannot make a huge reply. */
const MAX_NODES = 2_000;

export class LineageBuilder {
  constructor(
    private readonly objects: Objects,
    private readonly reads: Reads,
    private readonly resolver: ObjectResolver,
    private readonly describer: ObjectDescriber,
  ) {}

  build(principal: Principal, objectId: number, version: number): LineageNode {
    const seen = new Set<string>();
    const readable = new Map<number, boolean>();
    const mayRead = (id: number): boolean => {
      let known = readable.get(id);
      if (known === undefined) {
        const object = this.objects.byId(id);
        known = object !== undefined && this.resolver.access(principal, object).read;
        readable.set(id, known);
      }
      return known;
    };
    const node = (id: number, number: number): LineageNode => {
      const object = this.objects.byId(id)!;
      if (!mayRead(id)) return { visible: false, kind: object.kind };
      const record = this.objects.version(id, number)!;
      const name = qualifiedName(object.namespace, object.name);
      const base = {
        visible: true as const,
        kind: object.kind,
        ref: `${name}@${number}`,
        name,
        version: number,
        author: this.describer.userName(record.authorId),
        createdAt: record.createdAt,
        origin: this.describer.originInfo(principal, record.origin, record.authorId),
        state: this.describer.state(record),
        deleted: object.deletedAt !== null,
      };
      const key = `${id}@${number}`;
      if (seen.has(key)) return { ...base, reads: [], repeated: true };
      if (seen.size >= MAX_NODES) return { ...base, reads: [], truncated: true };
      seen.add(key);
      const sources = this.reads.of(id, number).map((read) => ({ read, object: this.objects.byId(read.objectId)! }));
      // Visible sources by name; hidden ones last, so not even their place among the names tells anything.
      const order = (s: (typeof sources)[number]) => (mayRead(s.object.id) ? qualifiedName(s.object.namespace, s.object.name) : '\uffff');
      sources.sort((a, b) => order(a).localeCompare(order(b)) || (mayRead(a.object.id) ? a.read.version - b.read.version : 0));
      return { ...base, reads: sources.map(({ read }) => node(read.objectId, read.version)) };
    };
    return node(objectId, version);
  }
}
