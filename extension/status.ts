/** The status bar item's content for each connection state (plain data; status-bar.ts shows it). */
import type { ConnectionState } from './connection';

export interface StatusSpec {
  text: string;
  tooltip: string;
  /** Clicking connects when disconnected and disconnects when connected. */
  command: 'framegate.connect' | 'framegate.disconnect';
  /** A warning background while the connection is down. */
  warning: boolean;
}

export function statusSpec(state: ConnectionState): StatusSpec {
  switch (state.kind) {
    case 'connected':
      return {
        text: `$(database) Framegate: ${state.url}`,
        tooltip: `Connected to ${state.url} as ${state.user}. Click to disconnect.`,
        command: 'framegate.disconnect',
        warning: false,
      };
    case 'connecting':
      return { text: '$(sync~spin) Framegate: connecting…', tooltip: `Connecting to ${state.url}`, command: 'framegate.disconnect', warning: false };
    case 'reconnecting':
      return {
        text: '$(sync~spin) Framegate: reconnecting…',
        tooltip: `Lost ${state.url}${state.error ? ` (${state.error})` : ''}; retry ${state.attempt} in ${Math.round(state.delayMs / 100) / 10} s. Click to stop.`,
        command: 'framegate.disconnect',
        warning: true,
      };
    case 'disconnected':
      return {
        text: '$(debug-disconnect) Framegate: disconnected',
        tooltip: state.error ? `Disconnected: ${state.error}. Click to connect.` : 'Disconnected. Click to connect.',
        command: 'framegate.connect',
        warning: state.error !== undefined,
      };
  }
}
