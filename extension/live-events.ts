/**
 * Live events, wired: every `events/event` lists the tree again (once per burst), tells the open
 * grids (a new version offers a reload, a deletion marks what shows it gone), then pops up what is
 * news for the user (notices.ts) with its buttons. Closes chosen by the gateway (kicked, too slow)
 * are said too. Events are handled one at a time, in the order the gateway sent them. No `vscode`.
 */
import type { GatewayEvent, ObjectInfo, WhoAmIResult } from '../protocol';
import type { Ui } from './commands';
import type { GatewayClose } from './connection';
import type { Disposable, Emitter } from './emitter';
import type { Logger } from './log';
import { MUTE_PATTERN_HELP, withMute, type MuteRule } from './mutes';
import { closeNotice, eventNotice, type Notice, type NoticeAction } from './notices';

/** Pop-ups with buttons; resolves to the label chosen (undefined: dismissed). */
export interface Notifier {
  show(level: Notice['level'], text: string, buttons: string[]): PromiseLike<string | undefined>;
}

export interface LiveEventsDeps {
  connection: {
    readonly onEvent: Emitter<GatewayEvent>['event'];
    readonly onDidClose: Emitter<GatewayClose>['event'];
    readonly me: WhoAmIResult | undefined;
  };
  tree: {
    /** Lists again now; resolves once listed. */
    reload(): PromiseLike<unknown>;
    /** The object as last listed. */
    known(name: string): ObjectInfo | undefined;
  };
  grids: {
    /** Applies `event` to the grids showing its subject; resolves to what to tell of grids whose subject is gone. */
    applyEvent(event: GatewayEvent): Promise<string[]>;
  };
  notifier: Notifier;
  /** The mute setting, read for every event (it may change at any time). */
  mutes(): readonly MuteRule[];
  /** Runs a pop-up's button. */
  act(action: NoticeAction): Promise<void>;
  log: Logger;
  now?(): Date;
}

export class LiveEvents implements Disposable {
  private queue: Promise<void> = Promise.resolve();
  private highestSeq = 0;
  /** The tree was listed after the event of this sequence number arrived. */
  private listedThrough = 0;
  private readonly subscriptions: Disposable[];

  constructor(private readonly deps: LiveEventsDeps) {
    this.subscriptions = [
      deps.connection.onEvent((event) => {
        this.highestSeq = Math.max(this.highestSeq, event.seq);
        this.enqueue(() => this.handle(event));
      }),
      deps.connection.onDidClose((close) => this.enqueue(() => Promise.resolve(this.closed(close)))),
    ];
  }

  /** Resolves once every event received so far is handled (its pop-up shown, not answered). */
  settled(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => this.deps.log.error('event.failed', { error }));
  }

  private async handle(event: GatewayEvent): Promise<void> {
    const me = this.deps.connection.me;
    const name = 'object' in event ? event.object.name : undefined;
    const known = name === undefined ? undefined : this.deps.tree.known(name);
    // A gateway restart starts its sequence again: a list after a reconnect covers what came before.
    if (event.seq < this.listedThrough) this.listedThrough = 0;
    if (name !== undefined && event.seq > this.listedThrough) {
      this.listedThrough = this.highestSeq;
      await this.deps.tree.reload();
    }
    const closed = await this.deps.grids.applyEvent(event);
    if (!me) return;
    const notice = eventNotice(event, { me, mutes: this.deps.mutes(), known, info: name === undefined ? undefined : this.deps.tree.known(name), now: this.deps.now?.() ?? new Date() });
    if (notice) this.show(closed.length > 0 ? { ...notice, text: `${notice.text} (${closed.length === 1 ? 'an open grid shows' : 'open grids show'} it is gone)` } : notice);
    // What a grid the user was looking at showed went away: always say so, muted or not.
    else if (closed.length > 0) this.show({ level: 'info', text: `Framegate: ${closed.join(' ')}`, buttons: [] });
  }

  private closed(close: GatewayClose): void {
    const notice = closeNotice(close.code, close.reason, close.url);
    if (notice) this.show(notice);
  }

  /** Shows `notice` without waiting for an answer (the next event must not wait for a click). */
  private show(notice: Notice): void {
    this.deps.log.info('notice', { text: notice.text });
    void Promise.resolve(this.deps.notifier.show(notice.level, notice.text, notice.buttons.map((b) => b.label))).then(async (label) => {
      const button = notice.buttons.find((b) => b.label === label);
      if (button) await this.deps.act(button.action);
    }).catch((error: unknown) => this.deps.log.error('notice.action.failed', { error }));
  }
}

export interface MuteSetting {
  get(): unknown;
  set(value: string[]): PromiseLike<void>;
}

/** "Mute…" on a pop-up: which of `patterns` (the author, the namespace) to mute; adds it to the setting. */
export async function muteFromNotice(ui: Pick<Ui, 'pickOne' | 'info'>, setting: MuteSetting, patterns: string[]): Promise<string | undefined> {
  const items = patterns.map((pattern) => ({
    label: pattern.endsWith('.*') ? `Mute the namespace ${pattern.slice(0, -2)}` : `Mute ${pattern}`,
    description: pattern.endsWith('.*') ? `${pattern}: whatever happens there` : `whatever ${pattern} does`,
    pattern,
  }));
  const picked = await ui.pickOne(items, { title: 'Framegate: mute notifications', placeHolder: `No more pop-ups for… (${MUTE_PATTERN_HELP}; the tree still updates)` });
  if (!picked) return undefined;
  await setting.set(withMute(setting.get(), picked.pattern));
  ui.info(`Framegate: muted ${picked.pattern}. The framegate.notifications.mute setting lists what is muted.`);
  return picked.pattern;
}
