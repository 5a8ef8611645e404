/**
 * The one write path of frames: check the target, store the data in the engine under a fresh
 * storage id, then record the version in the catalog. Data first, record second: a crash in
 * between leaves only unreferenced data, which the gateway drops at its next start; a failure
 * drops it at once. Nobody ever sees a version whose data is not complete.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError, qualifiedName, type FrameInfo } from '../../protocol';
import type { Principal } from '../catalog/access';
import type { FrameCatalog } from '../catalog/frames';
import type { ObjectRecord, Objects, Origin } from '../catalog/objects';
import type { Engine, StorageId, StoredInfo } from '../engine/engine';
import type { Logger } from '../logger';
import type { VersionRead } from './resolver';

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
}

export class FrameWriter {
  constructor(
    private readonly frames: FrameCatalog,
    private readonly objects: Objects,
    private readonly engine: Engine,
    private readonly logger: Logger,
  ) {}

  async write(request: WriteRequest): Promise<{ info: FrameInfo; object: ObjectRecord }> {
    const target = this.frames.planWrite(request.principal, request.name);
    if (target.existing && !request.replace) {
      const full = qualifiedName(target.namespace, target.name);
      throw new FramegateError(ErrorCodes.FrameExists, `a frame named ${full} exists; save with replace to add a new version`, { name: full });
    }
    const storage = newStorageId();
    // Noted durably first: if the gateway dies between storing and recording, the next start
    // knows the data as a leftover of this save and drops it.
    this.objects.addPending(storage);
    try {
      const stored = await request.store(storage);
      const { source, origin, reads } = request.describe(stored);
      const recorded = this.frames.recordVersion(
        request.principal,
        target,
        { storage, columns: stored.columns, rowCount: stored.rowCount, bytes: stored.bytes, source, origin },
        reads,
        request.replace,
      );
      this.objects.removePending(storage);
      return recorded;
    } catch (error) {
      await this.engine.dropStorage(storage).then(
        () => this.objects.removePending(storage),
        (dropError: unknown) => this.logger.warn({ event: 'drop-failed', storage, err: dropError }, 'could not drop the data of a failed save (dropped at next start)'),
      );
      throw error;
    }
  }
}
