/**
 * The one write path of frames: check the target (and the author's storage), store the data in
 * the engine under a fresh storage id, then record the version in the catalog, then apply the
 * frame's retention. Data first, record second: a crash in between leaves only unreferenced data,
 * which the gateway drops at its next start; a failure drops it at once. Nobody ever sees a
 * version whose data is not complete. Past the shutdown deadline nothing more is recorded.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError, qualifiedName } from '../../protocol';
import type { Principal } from '../catalog/access';
import type { Catalog } from '../catalog/catalog';
import type { Recorded } from '../catalog/changes';
import type { Origin, VersionRead } from '../catalog/records';
import type { Dropped } from '../catalog/retention';
import type { Engine, StorageId, StoredInfo } from '../engine/engine';
import type { Logger } from '../logger';

export function newStorageId(): StorageId {
  return `t_${randomBytes(8).toString('hex')}`;
}

export interface WriteRequest {
  principal: Principal;
  /** Frame name as the client gave it (`sales`, `alice.sales`). */
  name: string;
  replace: boolean;
  /** Stores the data under `storage`; what it returns is recorded. */
  store(storage: StorageId): Promise<StoredInfo>;
  /** How it was made, once stored (the reads of a query are known only after it ran). */
  describe(stored: StoredInfo): { source: string; origin: Origin; reads: VersionRead[] };
  /** True when the request was cancelled meanwhile (an admin): the data is then not recorded. */
  cancelled?: () => boolean;
}

export interface Written extends Recorded {
  /** Older versions whose data retention dropped after this save. */
  dropped: Dropped[];
}

/** What the writer asks of the gateway's state. */
export interface WriteGate {
  readonly pastDeadline: boolean;
}

export class FrameWriter {
  constructor(
    private readonly catalog: Catalog,
    private readonly engine: Engine,
    private readonly logger: Logger,
    private readonly gate: WriteGate,
  ) {}

  async write(request: WriteRequest): Promise<Written> {
    const target = this.catalog.resolver.planWrite(request.principal, request.name, 'frame');
    if (target.existing && !request.replace) {
      const full = qualifiedName(target.namespace, target.name);
      throw new FramegateError(ErrorCodes.FrameExists, `a frame named ${full} exists; save with replace to add a new version`, { name: full });
    }
    this.catalog.changes.checkStorageRoom(request.principal);
    const storage = newStorageId();
    let recorded: Recorded;
    // Noted durably first: if the gateway dies between storing and recording, the next start
    // knows the data as a leftover of this save and drops it.
    this.catalog.objects.addPending(storage);
    try {
      const stored = await request.store(storage);
      if (this.gate.pastDeadline) throw new FramegateError(ErrorCodes.ShuttingDown, 'the gateway reached its shutdown deadline before this save was recorded; nothing was saved');
      if (request.cancelled?.()) throw new FramegateError(ErrorCodes.Cancelled, 'the save was cancelled before it was recorded; nothing was saved');
      const { source, origin, reads } = request.describe(stored);
      recorded = this.catalog.changes.record(
        request.principal,
        target,
        { storage, columns: stored.columns, rowCount: stored.rowCount, bytes: stored.bytes, source, origin },
        reads,
        { replace: request.replace },
      );
      this.catalog.objects.removePending(storage);
    } catch (error) {
      await this.drop([storage], 'a failed save');
      throw error;
    }
    const dropped = this.catalog.retention.collect(request.principal, { objects: [recorded.object], cause: 'save' });
    await this.drop(
      dropped.map((d) => d.storage),
      'versions retention dropped',
    );
    return { ...recorded, dropped };
  }

  /** Drops engine data the catalog no longer records; what fails is dropped at the next start. */
  async drop(storage: readonly string[], what: string): Promise<void> {
    this.catalog.profiles.forget(storage);
    for (const id of storage) {
      // Noted as pending until it is gone, so that a failure here or a crash is dropped at the next start.
      this.catalog.objects.addPending(id);
      await this.engine.dropStorage(id).then(
        () => this.catalog.objects.removePending(id),
        (error: unknown) => this.logger.warn({ event: 'drop-failed', storage: id, err: error }, `could not drop the data of ${what} (dropped at next start)`),
      );
    }
  }
}
