/**
 * The status bar item's content for each connection state, and the menu its click opens (plain
 * data; status-bar.ts shows the item, main.ts the menu).
 */
import { gatewayLabel } from './config';
import type { ConnectionState } from './connection';

/** Opens the menu of statusMenuItems. */
export const STATUS_MENU_COMMAND = 'framegate.statusMenu';

export interface StatusSpec {
  text: string;
  tooltip: string;
  command: typeof STATUS_MENU_COMMAND;
  /** A warning background while the connection is down or needs a sign-in. */
  warning: boolean;
}

const CLICK = 'Click for Sign In, Sign Out, Reconnect (Retry Now), Disconnect and the log.';

export function statusSpec(state: ConnectionState): StatusSpec {
  const spec = (text: string, tooltip: string, warning: boolean): StatusSpec => ({ text, tooltip: `${tooltip}\n${CLICK}`, command: STATUS_MENU_COMMAND, warning });
  switch (state.kind) {
    case 'connected': {
      const { me } = state;
      const who = me.admin ? `${me.user} (admin)` : me.user;
      const groups = me.groups.length > 0 ? `\nGroups: ${me.groups.join(', ')}` : '';
      return spec(`$(account) ${who} @ ${gatewayLabel(state.url)}`, `Framegate: signed in to ${state.url} as ${who}.${groups}`, false);
    }
    case 'connecting':
      return spec(`$(sync~spin) Framegate: connecting to ${gatewayLabel(state.url)}…`, `Connecting to ${state.url}`, false);
    case 'reconnecting':
      return spec(
        `$(sync~spin) Framegate: reconnecting to ${gatewayLabel(state.url)}…`,
        `Lost ${state.url}${state.error ? ` (${state.error})` : ''}; retry ${state.attempt} in ${Math.round(state.delayMs / 100) / 10} s.`,
        true,
      );
    case 'signInRequired':
      return spec(`$(account) Framegate: sign in to ${gatewayLabel(state.url)}`, `${state.url} needs you to sign in: ${state.message}`, true);
    case 'disconnected':
      return spec(
        '$(debug-disconnect) Framegate: disconnected',
        state.error ? `Disconnected: ${state.error}` : 'Disconnected.',
        state.error !== undefined,
      );
  }
}

export type StatusAction = 'signIn' | 'signOut' | 'reconnect' | 'retryNow' | 'connect' | 'disconnect' | 'showLog';

export interface StatusMenuItem {
  label: string;
  description?: string;
  action: StatusAction;
}

/** The status bar menu: what makes sense in `state`, the likely choice first. */
export function statusMenuItems(state: ConnectionState): StatusMenuItem[] {
  const signIn: StatusMenuItem = { label: 'Sign In…', description: 'with a token from your admin', action: 'signIn' };
  const signOut: StatusMenuItem = { label: 'Sign Out', description: 'forget the token and disconnect', action: 'signOut' };
  const showLog: StatusMenuItem = { label: 'Show Log', action: 'showLog' };
  const disconnect: StatusMenuItem = { label: 'Disconnect', action: 'disconnect' };
  switch (state.kind) {
    case 'connected':
      return [
        { label: 'Reconnect', description: gatewayLabel(state.url), action: 'reconnect' },
        disconnect,
        { ...signIn, label: 'Sign In as Someone Else…' },
        signOut,
        showLog,
      ];
    case 'connecting':
      return [disconnect, signIn, showLog];
    case 'reconnecting':
      return [{ label: 'Retry Now', description: `instead of in ${Math.round(state.delayMs / 1000)} s`, action: 'retryNow' }, disconnect, signIn, showLog];
    case 'signInRequired':
      return [signIn, { label: 'Reconnect', description: 'try the same token again', action: 'reconnect' }, showLog];
    case 'disconnected':
      return [{ label: 'Connect', action: 'connect' }, signIn, signOut, showLog];
  }
}
