/**
 * The Framegate wire protocol: method declarations, result types, names, error codes and the
 * binary attachment framing. Server, extension, CLI and webview all import it; it imports nothing
 * of ours. Parameter schemas (zod) are in `./schemas`, imported by the gateway only.
 *
 * Transport: one WebSocket per client, authenticated by `Authorization: Bearer TOKEN` on the
 * upgrade. Text frames carry JSON-RPC 2.0 messages. Binary frames carry Arrow IPC stream bytes as
 * *attachments*, referenced from JSON by attachment id. Rows never travel as JSON.
 */
export * from './limits';
export * from './names';
export * from './errors';
export * from './attachments';
export * from './types';
export * from './methods';
export * from './objects';
export * from './events';
export * from './admin';
export * from './sql-text';
export * from './sql-statement';
