/**
 * Heavy work (queries, saves, loads, uploads) takes turns, fairly between users. The engine runs
 * each call on a thread of libuv's small shared pool, so a few long queries could otherwise hold
 * every thread and stall the windows and catalog calls of everyone else. Here at most
 * `maxRunning` heavy tasks run at once (fewer than the pool has threads), at most
 * `maxRunningPerUser` of one user; the rest wait in one queue per user, served round-robin.
 * A user with `maxQueuedPerUser` tasks waiting gets LimitReached for the next one; a task whose
 * request timeout passes while it waits fails with QueryTimeout, a cancelled one with Cancelled.
 */
import { ErrorCodes, FramegateError } from '../../protocol';

export interface SchedulerLimits {
  maxRunning: number;
  maxRunningPerUser: number;
  maxQueuedPerUser: number;
}

/** One request's claim to run heavy work. */
export interface Ticket {
  user: string;
  /** Epoch ms by which the request must be answered. */
  deadline: number;
  /** The configured timeout, for messages. */
  timeoutMs: number;
  /** Aborted when the client cancels the request or goes away. */
  signal: AbortSignal;
}

interface Waiting {
  start(): void;
  fail(error: FramegateError): void;
}

interface UserState {
  running: number;
  queue: Waiting[];
}

export class QueryScheduler {
  private running = 0;
  private readonly users = new Map<string, UserState>();
  /** Users with waiting work, in the order they are served next. */
  private readonly turns: string[] = [];

  constructor(readonly limits: SchedulerLimits) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    let n = 0;
    for (const state of this.users.values()) n += state.queue.length;
    return n;
  }

  /** Runs `task` when it is this ticket's turn. */
  run<T>(ticket: Ticket, task: () => Promise<T>): Promise<T> {
    if (ticket.signal.aborted) return Promise.reject(cancelled());
    const state = this.stateOf(ticket.user);
    if (state.queue.length === 0 && this.mayStart(state)) return this.start(ticket.user, state, task);
    if (state.queue.length >= this.limits.maxQueuedPerUser) {
      return Promise.reject(
        new FramegateError(
          ErrorCodes.LimitReached,
          `you have ${state.running} queries running and ${state.queue.length} waiting, the most one user may have: wait for one to finish`,
          { running: state.running, waiting: state.queue.length, maxRunningPerUser: this.limits.maxRunningPerUser, maxQueuedPerUser: this.limits.maxQueuedPerUser },
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const queuedAt = Date.now();
      const done = () => {
        clearTimeout(timer);
        ticket.signal.removeEventListener('abort', onAbort);
        const at = state.queue.indexOf(entry);
        if (at >= 0) state.queue.splice(at, 1);
      };
      const entry: Waiting = {
        start: () => {
          done();
          this.start(ticket.user, state, task).then(resolve, reject);
        },
        fail: (error) => {
          done();
          this.forget(ticket.user, state);
          reject(error);
        },
      };
      const onAbort = () => entry.fail(cancelled());
      const timer = setTimeout(
        () =>
          entry.fail(
            new FramegateError(
              ErrorCodes.QueryTimeout,
              `the query waited ${Date.now() - queuedAt} ms for its turn and its ${ticket.timeoutMs} ms were up before it could start (--query-timeout-ms): the gateway is busy`,
              { timeoutMs: ticket.timeoutMs, waitedMs: Date.now() - queuedAt },
            ),
          ),
        Math.max(0, ticket.deadline - Date.now()),
      );
      ticket.signal.addEventListener('abort', onAbort, { once: true });
      state.queue.push(entry);
      if (!this.turns.includes(ticket.user)) this.turns.push(ticket.user);
    });
  }

  private stateOf(user: string): UserState {
    let state = this.users.get(user);
    if (!state) {
      state = { running: 0, queue: [] };
      this.users.set(user, state);
    }
    return state;
  }

  private mayStart(state: UserState): boolean {
    return this.running < this.limits.maxRunning && state.running < this.limits.maxRunningPerUser;
  }

  private start<T>(user: string, state: UserState, task: () => Promise<T>): Promise<T> {
    this.running++;
    state.running++;
    let work: Promise<T>;
    try {
      work = task();
    } catch (error) {
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const finished = () => {
      this.running--;
      state.running--;
      this.forget(user, state);
      this.next();
    };
    work.then(finished, finished);
    return work;
  }

  /** Starts waiting work, one task per user in turn, while slots are free. */
  private next(): void {
    let progress = true;
    while (progress && this.running < this.limits.maxRunning) {
      progress = false;
      for (let i = 0; i < this.turns.length && this.running < this.limits.maxRunning; i++) {
        const user = this.turns[i]!;
        const state = this.users.get(user)!;
        if (state.queue.length === 0 || !this.mayStart(state)) continue;
        // This user was served: to the back of the line.
        this.turns.splice(i, 1);
        state.queue[0]!.start();
        if (state.queue.length > 0) this.turns.push(user);
        progress = true;
        break;
      }
    }
  }

  private forget(user: string, state: UserState): void {
    if (state.queue.length === 0) {
      const at = this.turns.indexOf(user);
      if (at >= 0) this.turns.splice(at, 1);
      if (state.running === 0) this.users.delete(user);
    }
  }
}

function cancelled(): FramegateError {
  return new FramegateError(ErrorCodes.Cancelled, 'the request was cancelled before it could start');
}
