/**
 * What each kind of object adds to the common object layer: how a version reads as the protocol's
 * info of that kind. A new kind (charts) is a new part registered in index.ts, and a new member of
 * the protocol's ObjectKind and ObjectInfo.
 */
import type { ObjectAccessInfo, ObjectInfo, ObjectKind } from '../../../protocol';
import type { ObjectRecord, VersionRead, VersionRecord } from '../records';

/** Facts about an object beyond its latest version, fetched only when a part asks. */
export interface KindFacts {
  object: ObjectRecord;
  /** Engine bytes of all its versions that still have data. */
  storedBytes: number;
  /** Versions the latest version names itself (`sales@3`). */
  pinned(): VersionRead[];
  objectOf(id: number): ObjectRecord | undefined;
}

export interface KindPart {
  kind: ObjectKind;
  info(base: ObjectAccessInfo, latest: VersionRecord, facts: KindFacts): ObjectInfo;
}
