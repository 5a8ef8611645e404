/**
 * A frame preview's version: "v2" after the title, and a bar when a newer version exists
 * ("v3 by bob is newer than the v2 shown here") with Reload and Stay on v2. Its elements are in the
 * page's skeleton (webview-html.ts); everything shown is set as text.
 */
import './version-banner.css';
import { DomIds } from './dom-ids';
import type { VersionMessage, WebviewToExtension } from './messages';

export interface VersionBanner {
  /** A new source is shown: nothing is known of its version until a `version` message. */
  reset(): void;
  show(message: VersionMessage): void;
}

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

export function createVersionBanner(options: { title: HTMLElement; post(message: WebviewToExtension): void }): VersionBanner {
  const label = byId(DomIds.version);
  const banner = byId(DomIds.versionBanner);
  const text = banner.querySelector<HTMLElement>('.fg-banner-text')!;
  const reload = byId<HTMLButtonElement>(DomIds.reloadButton);
  const stay = byId<HTMLButtonElement>(DomIds.stayButton);

  const choose = (message: WebviewToExtension) => {
    reload.disabled = stay.disabled = true;
    options.post(message);
  };
  reload.addEventListener('click', () => choose({ type: 'reload' }));
  stay.addEventListener('click', () => {
    if (banner.dataset.offer) choose({ type: 'stayOnVersion' });
    else banner.hidden = true; // a notice only: Stay reads "OK"
  });

  return {
    reset() {
      label.hidden = true;
      banner.hidden = true;
    },
    show(message) {
      label.hidden = false;
      label.textContent = `v${message.version}`;
      label.title = `Version ${message.version}, saved by ${message.author}${message.fixed ? ': this grid shows this version only' : ''}`;
      if (message.title !== undefined) {
        options.title.textContent = message.title;
        options.title.title = message.title;
      }
      reload.disabled = stay.disabled = false;
      if (message.newer && !message.fixed) {
        text.textContent = `v${message.newer.version} by ${message.newer.by} is newer than the v${message.version} shown here.`;
        reload.textContent = `Reload v${message.newer.version}`;
        reload.hidden = false;
        stay.textContent = `Stay on v${message.version}`;
        banner.dataset.offer = String(message.newer.version);
        banner.hidden = false;
      } else if (message.notice) {
        text.textContent = message.notice;
        reload.hidden = true;
        stay.textContent = 'OK';
        delete banner.dataset.offer;
        banner.hidden = false;
      } else {
        banner.hidden = true;
      }
    },
  };
}
