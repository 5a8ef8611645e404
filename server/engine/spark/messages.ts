/**
 * The part of the Spark Connect protocol (spark/connect/*.proto, Spark 4.x) this client speaks,
 * as TypeScript types. Field names are the .proto's (the loader keeps their case); only the
 * fields Framegate sends or reads are declared. The .proto files themselves are loaded at run
 * time (protos.ts), so a misspelt field would be dropped silently: every message built here is
 * exercised by the tests against a real server.
 */

export interface UserContext {
  user_id: string;
  user_name?: string;
}

/** Fields every request carries. */
export interface RequestBase {
  session_id: string;
  user_context: UserContext;
  client_type?: string;
  client_observed_server_side_session_id?: string;
}

// ---- Expressions ---------------------------------------------------------------------------

export type Expression =
  | { unresolved_star: { unparsed_target?: string } }
  | { unresolved_attribute: { unparsed_identifier: string } }
  | { expression_string: { expression: string } }
  | { alias: { expr: Expression; name: string[] } }
  | { sort_order: SortOrder };

export interface SortOrder {
  child: Expression;
  direction: 'SORT_DIRECTION_ASCENDING' | 'SORT_DIRECTION_DESCENDING';
  null_ordering: 'SORT_NULLS_FIRST' | 'SORT_NULLS_LAST';
}

// ---- Relations -----------------------------------------------------------------------------

export type Relation =
  | { sql: { query: string } }
  | { read: { named_table: { unparsed_identifier: string } } }
  | { read: { data_source: { format: string; paths: string[]; options?: Record<string, string>; schema?: string } } }
  | { project: { input?: Relation; expressions: Expression[] } }
  | { filter: { input: Relation; condition: Expression } }
  | { sort: { input: Relation; order: SortOrder[]; is_global: boolean } }
  | { limit: { input: Relation; limit: number } }
  | { offset: { input: Relation; offset: number } }
  | { range: { start?: number; end: number; step: number; num_partitions?: number } }
  | { repartition: { input: Relation; num_partitions: number; shuffle?: boolean } }
  | { local_relation: { data?: Uint8Array; schema?: string } }
  | { cached_local_relation: { hash: string } }
  | { catalog: CatalogRelation };

export type CatalogRelation =
  | { list_tables: { db_name?: string; pattern?: string } }
  | { table_exists: { table_name: string; db_name?: string } }
  | { drop_temp_view: { view_name: string } };

// ---- Commands ------------------------------------------------------------------------------

export interface WriteOperation {
  input: Relation;
  source?: string;
  table?: { table_name: string; save_method: 'TABLE_SAVE_METHOD_SAVE_AS_TABLE' | 'TABLE_SAVE_METHOD_INSERT_INTO' };
  path?: string;
  mode: 'SAVE_MODE_APPEND' | 'SAVE_MODE_OVERWRITE' | 'SAVE_MODE_ERROR_IF_EXISTS' | 'SAVE_MODE_IGNORE';
  options?: Record<string, string>;
}

export type Command =
  | { sql_command: { input: Relation } }
  | { write_operation: WriteOperation }
  | { create_dataframe_view: { input: Relation; name: string; is_global: boolean; replace: boolean } };

export type Plan = { root: Relation } | { command: Command };

// ---- ExecutePlan ---------------------------------------------------------------------------

export interface ExecutePlanRequest extends RequestBase {
  operation_id: string;
  plan: Plan;
  tags?: string[];
}

export interface ArrowBatch {
  row_count?: number;
  /** One complete Arrow IPC stream: schema and record batch(es). */
  data: Uint8Array;
  start_offset?: number;
}

export interface ExecutePlanResponse {
  session_id: string;
  server_side_session_id: string;
  operation_id: string;
  response_type?: string;
  arrow_batch?: ArrowBatch;
  sql_command_result?: { relation: Relation };
  result_complete?: Record<string, never>;
  schema?: DataType;
}

// ---- AnalyzePlan ---------------------------------------------------------------------------

export type AnalyzeRequestBody =
  | { schema: { plan: Plan } }
  | { explain: { plan: Plan; explain_mode: 'EXPLAIN_MODE_EXTENDED' | 'EXPLAIN_MODE_SIMPLE' } }
  | { spark_version: Record<string, never> }
  | { ddl_parse: { ddl_string: string } };

export type AnalyzePlanRequest = RequestBase & AnalyzeRequestBody;

export interface AnalyzePlanResponse {
  session_id: string;
  server_side_session_id: string;
  result?: string;
  schema?: { schema: DataType };
  explain?: { explain_string: string };
  spark_version?: { version: string };
  ddl_parse?: { parsed: DataType };
}

// ---- Types ---------------------------------------------------------------------------------

export interface StructField {
  name: string;
  data_type: DataType;
  nullable?: boolean;
}

/** Spark's DataType message: exactly one member is set; `kind` names it. */
export interface DataType {
  kind?: string;
  decimal?: { precision?: number; scale?: number };
  char?: { length: number };
  var_char?: { length: number };
  array?: { element_type: DataType; contains_null?: boolean };
  struct?: { fields?: StructField[] };
  map?: { key_type: DataType; value_type: DataType };
  day_time_interval?: { start_field?: number; end_field?: number };
  year_month_interval?: { start_field?: number; end_field?: number };
  time?: { precision?: number };
  udt?: { type: string; sql_type?: DataType };
  unparsed?: { data_type_string: string };
}

// ---- Config, Interrupt, ReleaseSession, AddArtifacts --------------------------------------

export interface KeyValue {
  key: string;
  value?: string;
}

export type ConfigOperation = { set: { pairs: KeyValue[] } } | { get: { keys: string[] } } | { unset: { keys: string[] } };

export interface ConfigRequest extends RequestBase {
  operation: ConfigOperation;
}

export interface ConfigResponse {
  session_id: string;
  server_side_session_id: string;
  pairs?: KeyValue[];
  warnings?: string[];
}

export type InterruptRequest = RequestBase &
  (
    | { interrupt_type: 'INTERRUPT_TYPE_ALL' }
    | { interrupt_type: 'INTERRUPT_TYPE_TAG'; operation_tag: string }
    | { interrupt_type: 'INTERRUPT_TYPE_OPERATION_ID'; operation_id: string }
  );

export interface InterruptResponse {
  session_id: string;
  server_side_session_id: string;
  interrupted_ids?: string[];
}

export interface ReleaseSessionRequest {
  session_id: string;
  user_context: UserContext;
  client_type?: string;
}

export interface ArtifactChunk {
  data: Uint8Array;
  crc: number;
}

export type AddArtifactsRequest = RequestBase &
  (
    | { batch: { artifacts: { name: string; data: ArtifactChunk }[] } }
    | { begin_chunk: { name: string; total_bytes: number; num_chunks: number; initial_chunk: ArtifactChunk } }
    | { chunk: ArtifactChunk }
  );

export interface AddArtifactsResponse {
  session_id: string;
  server_side_session_id: string;
  artifacts?: { name: string; is_crc_successful: boolean }[];
}
