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
export const ShutdownParams = Empty;

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
  })
  .strict();

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

export const UploadParams = z.object({ name: FrameName, replace: z.boolean().default(false), attachment: Attachment }).strict();

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
export const UpdateUserParams = z.object({ name: Identifier, admin: z.boolean().optional(), teamWriter: z.boolean().optional() }).strict();
/** Without `user`: the caller's own token. */
export const RotateTokenParams = z.object({ user: Identifier.optional() }).strict();

export const AddGroupParams = z.object({ name: Identifier, members: z.array(Identifier).default([]) }).strict();
/** With `members`: takes them out of the group; without: removes the group. */
export const RemoveGroupParams = z.object({ name: Identifier, members: z.array(Identifier).min(1).optional() }).strict();

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
  select: SelectParams,
  sql: SqlParams,
  closeResult: CloseResultParams,
  listUsers: ListUsersParams,
  addUser: AddUserParams,
  removeUser: RemoveUserParams,
  updateUser: UpdateUserParams,
  rotateToken: RotateTokenParams,
  addGroup: AddGroupParams,
  removeGroup: RemoveGroupParams,
} as const satisfies Record<MethodKey, z.ZodType>;

/** The validated (defaults filled) params a handler receives. */
export type ValidParams<K extends MethodKey> = z.output<(typeof ParamSchemas)[K]>;

/** Method name → key in `Methods`, for dispatch. */
export const methodKeys: ReadonlyMap<string, MethodKey> = new Map(Object.entries(Methods).map(([key, type]) => [type.method, key as MethodKey]));
