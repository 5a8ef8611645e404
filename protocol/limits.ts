/** Defaults and bounds every side agrees on. */
export const PROTOCOL_VERSION = 2;
export const DEFAULT_PORT = 7878;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_URL = `ws://${DEFAULT_HOST}:${DEFAULT_PORT}`;
/** Largest window of rows one `data/window` call may ask for. */
export const MAX_WINDOW_ROWS = 100_000;
/** Longest SQL text a query may have. */
export const MAX_SQL_CHARS = 100_000;
