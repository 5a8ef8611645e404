/** A Ui for command tests: answers prompts from a script and records what the user was shown. */
import type { GridOpener, GridTarget, InputOptions, PickItem, Progress, SaveFileOptions, Ui } from '../../../extension/commands';
import type { ResultInfo } from '../../../protocol';

export type Answer =
  | { input: string | undefined }
  | { pick: string | undefined }
  | { pickMany: string[] | undefined }
  | { confirm: boolean }
  /** The button a warning's user chooses (undefined: dismissed). */
  | { warn: string | undefined }
  /** The path a save dialog answers (undefined: dismissed). */
  | { save: string | undefined };

export class ScriptedUi implements Ui {
  readonly infos: string[] = [];
  readonly errors: string[] = [];
  readonly prompts: string[] = [];
  readonly warnings: string[] = [];
  /** Every input box's options, in order (to check prompts, prefilled values, password boxes). */
  readonly inputs: InputOptions[] = [];
  /** Every pick's items, in order. */
  readonly picks: PickItem[][] = [];
  /** Validation messages returned by input boxes for the answers given. */
  readonly validations: (string | undefined)[] = [];
  /** Every progress notification shown: its title, what it reported, and its Cancel button. */
  readonly progress: { title: string; reports: string[]; cancel(): void; done: boolean }[] = [];

  constructor(private readonly answers: Answer[] = []) {}

  script(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  private next<K extends string>(kind: K): Extract<Answer, Record<K, unknown>> {
    const answer = this.answers.shift();
    if (!answer || !(kind in answer)) throw new Error(`the UI was asked for ${kind} but the script says ${JSON.stringify(answer)}`);
    return answer as Extract<Answer, Record<K, unknown>>;
  }

  input(options: InputOptions): Promise<string | undefined> {
    this.prompts.push(options.title);
    this.inputs.push(options);
    const { input } = this.next('input');
    if (input !== undefined) {
      const invalid = options.validate?.(input);
      this.validations.push(invalid);
      // Like VS Code's input box: an invalid value cannot be accepted.
      if (invalid) return Promise.reject(new Error(`input "${input}" refused: ${invalid}`));
    }
    return Promise.resolve(input);
  }

  pickOne<T extends PickItem>(items: T[], options: { title: string }): Promise<T | undefined> {
    this.prompts.push(options.title);
    this.picks.push(items);
    const { pick } = this.next('pick');
    if (pick === undefined) return Promise.resolve(undefined);
    const item = items.find((i) => i.label === pick);
    if (!item) throw new Error(`no item "${pick}" among ${items.map((i) => i.label).join(', ')}`);
    return Promise.resolve(item);
  }

  pickMany<T extends PickItem>(items: T[], options: { title: string }): Promise<T[] | undefined> {
    this.prompts.push(options.title);
    const { pickMany } = this.next('pickMany');
    return Promise.resolve(pickMany && items.filter((i) => pickMany.includes(i.label)));
  }

  confirm(message: string): Promise<boolean> {
    this.prompts.push(message);
    return Promise.resolve(this.next('confirm').confirm);
  }

  info(message: string): void {
    this.infos.push(message);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  warn(message: string, ...actions: string[]): Promise<string | undefined> {
    this.warnings.push(message);
    const { warn } = this.next('warn');
    if (warn !== undefined && !actions.includes(warn)) throw new Error(`no button "${warn}" among ${actions.join(', ')}`);
    return Promise.resolve(warn);
  }

  /** Every save dialog's options, in order. */
  readonly saves: SaveFileOptions[] = [];

  saveFile(options: SaveFileOptions): Promise<string | undefined> {
    this.prompts.push(options.title);
    this.saves.push(options);
    return Promise.resolve(this.next('save').save);
  }

  async withProgress<T>(title: string, task: (progress: Progress) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const entry = { title, reports: [] as string[], cancel: () => controller.abort(), done: false };
    this.progress.push(entry);
    try {
      return await task({ signal: controller.signal, report: (message) => entry.reports.push(message) });
    } finally {
      entry.done = true;
    }
  }

  get unused(): number {
    return this.answers.length;
  }
}

/** Records the grids commands open; the last result is the "active" one. */
export class RecordingGrids implements GridOpener {
  readonly opened: GridTarget[] = [];

  open(target: GridTarget): void {
    this.opened.push(target);
  }

  activeResult(): ResultInfo | undefined {
    return [...this.opened].reverse().find((t) => t.result)?.result;
  }
}
