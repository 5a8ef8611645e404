/** What a request handler works with: who is asking, their connection, and the gateway's services. */
import type { MethodKey, Methods, ResultOf } from '../../protocol';
import type { ValidParams } from '../../protocol/schemas';
import type { RpcPeer } from '../../rpc/peer';
import type { RunningRequests } from '../admin/running';
import type { Principal } from '../catalog/access';
import type { Catalog } from '../catalog/catalog';
import type { VersionRead } from '../catalog/records';
import type { GatewayConfig } from '../config';
import type { Engine, EngineSession } from '../engine/engine';
import type { EventHub } from '../events/hub';
import type { FrameWriter } from '../frames/writer';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';
import type { Mutex } from '../engine/async-lock';
import type { MemoryBudget, Reservation } from '../memory/budget';
import type { QueryScheduler } from '../scheduling/query-scheduler';
import type { SessionRegistry } from '../sessions';

export interface GatewayServices {
  config: GatewayConfig;
  logger: Logger;
  catalog: Catalog;
  engine: Engine;
  writer: FrameWriter;
  sessions: SessionRegistry;
  events: EventHub;
  running: RunningRequests;
  lifecycle: Lifecycle;
  /** What the gateway itself may hold (the engine has its own share, see memory/size.ts). */
  budget: MemoryBudget;
  /** Turns for heavy work (queries, saves, loads, uploads), fair between users. */
  scheduler: QueryScheduler;
  /** Starts a graceful stop once the current reply is on its way; returns the deadline. */
  requestShutdown(graceSeconds: number, by: string): Date;
}

/** How a session's query result was made, so that saving it records its lineage. */
export interface ResultLineage {
  kind: 'sql' | 'select' | 'query';
  sql: string;
  reads: VersionRead[];
  /** For kind `query`: the saved query and version that ran. */
  query?: { objectId: number; version: number };
  /** Its bytes in the memory budget, until the result is closed. */
  held: Reservation;
}

export interface Connection {
  readonly id: string;
  readonly engine: EngineSession;
  readonly peer: RpcPeer;
  /** Windows of this connection are made and sent one at a time (see handlers/data.ts). */
  readonly windowTurns: Mutex;
  readonly results: Map<string, ResultLineage>;
  readonly remoteAddress: string | undefined;
  /** True the first time this session reads `key` (an object version): windows are audited once per session. */
  firstRead(key: string): boolean;
}

/** The request being handled. */
export interface RequestInfo {
  /** Its id in `admin/sessions` (`q12`). */
  readonly id: string;
  /** True once an admin cancelled it (`admin/cancel`). */
  cancelled(): boolean;
}

/** One request as it runs: when it arrived (its timeout counts from then) and whether it was called off. */
export interface RequestControl {
  readonly arrivedAt: number;
  /** Aborted when the client cancels the request or its connection closes. */
  readonly signal: AbortSignal;
}

export interface RequestContext {
  /** Loaded afresh for each request: admin flags, groups and removal take effect at once. */
  principal: Principal;
  connection: Connection;
  services: GatewayServices;
  request: RequestInfo & RequestControl;
}

export type Handler<K extends MethodKey> = (params: ValidParams<K>, context: RequestContext) => Promise<ResultOf<(typeof Methods)[K]>>;
export type HandlerTable<K extends MethodKey = MethodKey> = { [P in K]: Handler<P> };
