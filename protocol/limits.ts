/** Defaults and bounds every side agrees on. */
/** 3: objects of every kind (queries, notes), versions, lineage, events, administration; everything of 2 still works. */
export const PROTOCOL_VERSION = 3;
export const DEFAULT_PORT = 7878;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_URL = `ws://${DEFAULT_HOST}:${DEFAULT_PORT}`;
/** Largest window of rows one `data/window` call may ask for. */
export const MAX_WINDOW_ROWS = 100_000;
/** Longest SQL text a query may have. */
export const MAX_SQL_CHARS = 100_000;
