/**
 * Parameter schemas (zod): the gateway validates every request against these. Clients import only
 * their types (methods.ts), so client bundles do not carry zod.
 */
import { z } from 'zod';
import { MAX_SQL_CHARS, MAX_WINDOW_ROWS } from './limits';
import { FRAME_NAME_HELP, FRAME_NAME_PATTERN, FRAME_REF_HELP, FRAME_REF_PATTERN, IDENTIFIER_PATTERN } from './names';

/** A frame to write: `name` or `namespace.name`. */
export const FrameName = z.string().regex(FRAME_NAME_PATTERN, FRAME_NAME_HELP);
/** A frame to read: a frame name, optionally `@version`. */
export const FrameRefText = z.string().regex(FRAME_REF_PATTERN, FRAME_REF_HELP);
export const Identifier = z.string().regex(IDENTIFIER_PATTERN, 'a name is an identifier: letters, digits and _, not starting with a digit, at most 63 characters');
/** Parsing and planning cost grows faster than the text: a statement's size is bounded before anything runs. */
const Sql = z.string().min(1).max(MAX_SQL_CHARS, `a query may have at most ${MAX_SQL_CHARS.toLocaleString('en-US')} characters`);

export const SortKey = z.object({ column: z.string().min(1), descending: z.boolean().default(false) }).strict();

const FilterColumn = z.string().min(1).max(255);
/** A literal bound for a range: a number for numeric columns, an ISO date or time for temporal ones. */
const RangeBound = z.union([z.number().finite(), z.string().min(1).max(64)]);

/**
 * One per-column filter, structured (never SQL text): the gateway checks it against the column's
 * type and writes the SQL itself, with quoted names and escaped literals.
 */
export const ColumnFilter = z.discriminatedUnion('kind', [
  /** Rows whose value (as text, as the profile shows it) is one of these; null picks NULLs. */
  z.object({ kind: z.literal('values'), column: FilterColumn, values: z.array(z.string().max(10_000).nullable()).min(1).max(1_000) }).strict(),
  /** Rows with min ≤ value ≤ max (either bound may be left out, not both). */
  z.object({ kind: z.literal('range'), column: FilterColumn, min: RangeBound.optional(), max: RangeBound.optional() }).strict(),
  /** Rows whose value as text contains, or starts with, `text`, ignoring case. */
  z.object({ kind: z.literal('text'), column: FilterColumn, match: z.enum(['contains', 'startsWith']), text: z.string().min(1).max(1_000) }).strict(),
]);
const Filters = z.array(ColumnFilter).max(32);

export const Source = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('frame'), name: FrameRefText }).strict(),
  z.object({ kind: z.literal('result'), id: z.string().min(1) }).strict(),
]);

export const Grantee = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), name: Identifier }).strict(),
  z.object({ kind: z.literal('group'), name: Identifier }).strict(),
  z.object({ kind: z.literal('team') }).strict(),
]);

const Attachment = z.number().int().nonnegative();
const Columns = z.array(z.string().min(1)).min(1);
const Empty = z.object({}).strict();

export const FileFormat = z.enum(['csv', 'parquet', 'json']);

export const InfoParams = Empty;
export const WhoAmIParams = Empty;
/** Without `graceSeconds`: the gateway's default (30 s). */
export const ShutdownParams = z.object({ graceSeconds: z.number().int().min(0).max(3600).optional() }).strict();

export const ListFramesParams = z.object({ namespace: Identifier.optional() }).strict();
export const SchemaParams = z.object({ name: FrameRefText }).strict();

export const WindowParams = z
  .object({
    source: Source,
    offset: z.number().int().nonnegative(),
    limit: z.number().int().positive().max(MAX_WINDOW_ROWS),
    /** Columns to return, in order; all when omitted. */
    columns: Columns.optional(),
    /** Sort applied to the whole source before windowing. */
    sort: z.array(SortKey).optional(),
    /** Rows kept (all must hold), before sorting and windowing; `rowCount` counts the rows kept. */
    filters: Filters.optional(),
  })
  .strict();

const ChartColumn = z.string().min(1).max(255);
/** What a quick chart shows; the gateway aggregates, the client gets at most a few thousand points. */
export const ChartSpec = z.discriminatedUnion('kind', [
  /** Equal-width bins of a numeric column from its min to its max. */
  z.object({ kind: z.literal('histogram'), column: ChartColumn, bins: z.number().int().min(1).max(200).default(30) }).strict(),
  /** The most frequent values of `x` (count), or the sum or mean of `y` per value of `x`, largest first. */
  z
    .object({ kind: z.literal('bar'), x: ChartColumn, y: ChartColumn.optional(), aggregate: z.enum(['count', 'sum', 'avg']).default('count'), limit: z.number().int().min(1).max(100).default(20) })
    .strict(),
  /** `y` (sum, mean or count) by `x` (numeric or temporal) in at most `buckets` equal-width buckets of x. */
  z
    .object({ kind: z.literal('line'), x: ChartColumn, y: ChartColumn.optional(), aggregate: z.enum(['count', 'sum', 'avg']).default('avg'), buckets: z.number().int().min(2).max(1_000).default(200) })
    .strict(),
  /** A sample of at most `limit` (x, y) points of two numeric columns. */
  z.object({ kind: z.literal('scatter'), x: ChartColumn, y: ChartColumn, limit: z.number().int().min(1).max(5_000).default(2_000) }).strict(),
]);

export const ChartParams = z.object({ source: Source, chart: ChartSpec, filters: Filters.optional() }).strict();

export const SelectParams = z
  .object({
    from: FrameRefText,
    columns: Columns.optional(),
    /** A SQL boolean expression over the frame's columns, e.g. `region = 'EU' AND amount > 10`. */
    filter: z.string().min(1).max(10_000).optional(),
    sort: z.array(SortKey).optional(),
    limit: z.number().int().positive().optional(),
  })
  .strict();

export const SqlParams = z.object({ sql: Sql }).strict();
export const CloseResultParams = z.object({ id: z.string().min(1) }).strict();

/** One statement as an editor holds it (as typed: incomplete SQL is the point). */
const EditorSql = z.string().max(100_000);
export const SqlCheckParams = z.object({ sql: EditorSql }).strict();
export const SqlCompleteParams = z
  .object({ sql: EditorSql, offset: z.number().int().nonnegative() })
  .strict()
  .refine((p) => p.offset <= p.sql.length, { message: 'offset is past the end of the SQL', path: ['offset'] });

export const SaveParams = z
  .object({
    name: FrameName,
    /** A result handle of this session, or a SQL query to run and save. */
    from: z.union([z.object({ result: z.string().min(1) }).strict(), z.object({ sql: Sql }).strict()]),
    /** Save a new version of an existing frame; otherwise saving over one is FrameExists. */
    replace: z.boolean().default(false),
  })
  .strict();

export const LoadParams = z
  .object({
    /** Path on the gateway's machine; relative paths resolve against the first import dir. */
    path: z.string().min(1).max(4096),
    name: FrameName,
    /** Guessed from the file extension when omitted. */
    format: FileFormat.optional(),
    replace: z.boolean().default(false),
  })
  .strict();

/** What an upload's attachment holds: Arrow IPC stream bytes, or a CSV, Parquet or JSON file the gateway reads as a load would. */
export const UploadFormat = z.enum(['arrow', 'csv', 'parquet', 'json']);
export const UploadParams = z
  .object({ name: FrameName, replace: z.boolean().default(false), attachment: Attachment, format: UploadFormat.default('arrow') })
  .strict();

export const ExportParams = z
  .object({
    source: Source,
    sort: z.array(SortKey).optional(),
    columns: Columns.optional(),
    /** A tag of the client's: the gateway announces the attachment (data/exportStarted) before its first part, so the client can write parts as they arrive. */
    stream: z.string().min(1).max(100).optional(),
  })
  .strict();

export const DeleteParams = z.object({ name: FrameName }).strict();

export const ProfileParams = z.object({ source: Source }).strict();
/** Without `path`: the import dirs themselves. */
export const ListFilesParams = z.object({ path: z.string().min(1).max(4096).optional() }).strict();

export const ShareParams = z
  .object({
    name: FrameName,
    with: Grantee,
    /** They may also save new versions. */
    write: z.boolean().default(false),
  })
  .strict();
export const UnshareParams = z.object({ name: FrameName, with: Grantee }).strict();

export const ListUsersParams = Empty;
export const AddUserParams = z.object({ name: Identifier, admin: z.boolean().default(false), teamWriter: z.boolean().default(false) }).strict();
export const RemoveUserParams = z.object({ name: Identifier }).strict();
export const UpdateUserParams = z
  .object({
    name: Identifier,
    admin: z.boolean().optional(),
    teamWriter: z.boolean().optional(),
    /** Their own storage limit in bytes; null: the gateway's default again. */
    storageLimitBytes: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
/** Without `user`: the caller's own token. */
export const RotateTokenParams = z.object({ user: Identifier.optional() }).strict();

export const AddGroupParams = z.object({ name: Identifier, members: z.array(Identifier).default([]) }).strict();
/** With `members`: takes them out of the group; without: removes the group. */
export const RemoveGroupParams = z.object({ name: Identifier, members: z.array(Identifier).min(1).optional() }).strict();

// ---------------------------------------------------------------------------------------------
// Objects of every kind, queries, notes

export const ObjectKindParam = z.enum(['frame', 'query', 'note', 'chart']);
/** Markdown of a note. */
const NoteText = z.string().min(1).max(100_000);

/** `kind` narrows a name to one kind (names are unique across kinds, so it is only a check). */
export const ListObjectsParams = z.object({ kind: ObjectKindParam.optional(), namespace: Identifier.optional(), attachedTo: FrameName.optional() }).strict();
export const GetObjectParams = z.object({ name: FrameRefText, kind: ObjectKindParam.optional() }).strict();
export const VersionsParams = z.object({ name: FrameName, kind: ObjectKindParam.optional() }).strict();
export const LineageParams = z.object({ name: FrameRefText, kind: ObjectKindParam.optional() }).strict();
export const ObjectShareParams = z.object({ name: FrameName, kind: ObjectKindParam.optional(), with: Grantee, write: z.boolean().default(false) }).strict();
export const ObjectUnshareParams = z.object({ name: FrameName, kind: ObjectKindParam.optional(), with: Grantee }).strict();
export const ObjectDeleteParams = z.object({ name: FrameRefText, kind: ObjectKindParam.optional() }).strict();
/** Without `keep`: shows the setting. `keep: null` goes back to the gateway's. */
export const RetentionParams = z.object({ name: FrameName, keep: z.number().int().min(1).max(1_000_000).nullable().optional() }).strict();
export const GcParams = z.object({ dryRun: z.boolean().default(false) }).strict();

export const SaveQueryParams = z
  .object({ name: FrameName, sql: Sql, description: z.string().max(10_000).default(''), replace: z.boolean().default(false) })
  .strict();
export const RunQueryParams = z.object({ name: FrameRefText }).strict();
/** `from` without a version is the frame's latest version now: the chart keeps that one. */
export const SaveChartParams = z.object({ name: FrameName, from: FrameRefText, chart: ChartSpec, filters: Filters.default([]), replace: z.boolean().default(false) }).strict();
export const OpenChartParams = z.object({ name: FrameRefText }).strict();
export const AddNoteParams = z
  .object({
    /** The note's name; made up from the frame's when attaching without one. */
    name: FrameName.optional(),
    /** The frame to attach it to. */
    on: FrameName.optional(),
    text: NoteText,
    replace: z.boolean().default(false),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.on !== undefined, { message: 'give the frame the note is on, or a name for a note standing alone' });

// ---------------------------------------------------------------------------------------------
// Administration

export const AdminSessionsParams = Empty;
export const KickParams = z.object({ session: z.string().regex(/^s[0-9]{1,12}$/, 'a session id, e.g. s12 (framegate admin sessions)') }).strict();
export const CancelParams = z.object({ query: z.string().regex(/^q[0-9]{1,12}$/, 'a running request id, e.g. q34 (framegate admin sessions)') }).strict();
export const AuditActionParam = z.enum(['read', 'save', 'share', 'unshare', 'delete', 'remove-version', 'retention', 'gc', 'refused', 'user', 'kick', 'cancel', 'shutdown']);
export const AuditParams = z
  .object({
    user: Identifier.optional(),
    /** ISO-8601 times; entries at or after `since`, before `until`. */
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    action: AuditActionParam.optional(),
    /** Entries about this object (full name). */
    object: FrameName.optional(),
    limit: z.number().int().min(1).max(10_000).default(1_000),
  })
  .strict();
export const StorageParams = Empty;

import { Methods, type MethodKey } from './methods';

/** Param schema of each method, keyed like `Methods`. */
export const ParamSchemas = {
  info: InfoParams,
  whoami: WhoAmIParams,
  shutdown: ShutdownParams,
  listFrames: ListFramesParams,
  schema: SchemaParams,
  save: SaveParams,
  load: LoadParams,
  upload: UploadParams,
  delete: DeleteParams,
  share: ShareParams,
  unshare: UnshareParams,
  window: WindowParams,
  export: ExportParams,
  profile: ProfileParams,
  chart: ChartParams,
  listFiles: ListFilesParams,
  select: SelectParams,
  sql: SqlParams,
  closeResult: CloseResultParams,
  sqlCheck: SqlCheckParams,
  sqlComplete: SqlCompleteParams,
  listUsers: ListUsersParams,
  addUser: AddUserParams,
  removeUser: RemoveUserParams,
  updateUser: UpdateUserParams,
  rotateToken: RotateTokenParams,
  addGroup: AddGroupParams,
  removeGroup: RemoveGroupParams,
  listObjects: ListObjectsParams,
  getObject: GetObjectParams,
  versions: VersionsParams,
  lineage: LineageParams,
  shareObject: ObjectShareParams,
  unshareObject: ObjectUnshareParams,
  deleteObject: ObjectDeleteParams,
  retention: RetentionParams,
  gc: GcParams,
  saveQuery: SaveQueryParams,
  runQuery: RunQueryParams,
  saveChart: SaveChartParams,
  openChart: OpenChartParams,
  addNote: AddNoteParams,
  sessions: AdminSessionsParams,
  kick: KickParams,
  cancel: CancelParams,
  audit: AuditParams,
  storage: StorageParams,
} as const satisfies Record<MethodKey, z.ZodType>;

/** The validated (defaults filled) params a handler receives. */
export type ValidParams<K extends MethodKey> = z.output<(typeof ParamSchemas)[K]>;

/** Method name → key in `Methods`, for dispatch. */
export const methodKeys: ReadonlyMap<string, MethodKey> = new Map(Object.entries(Methods).map(([key, type]) => [type.method, key as MethodKey]));
