/**
 * Errors from a Spark Connect server. Spark answers a failed request with gRPC status 13
 * (INTERNAL) or 3 (INVALID_ARGUMENT); the message starts with the error class
 * (`[TABLE_OR_VIEW_NOT_FOUND] The table …`) and the `grpc-status-details-bin` trailer carries a
 * google.rpc.Status whose google.rpc.ErrorInfo has the class, the SQLSTATE and the server's
 * exception type. Both are read here into one `SparkError`.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';

/** google.rpc.Status and google.rpc.ErrorInfo: the two messages of the error trailer we read. */
const rpcDescriptor: unknown = {
  nested: {
    google: {
      nested: {
        rpc: {
          nested: {
            Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            ErrorInfo: {
              fields: { reason: { type: 'string', id: 1 }, domain: { type: 'string', id: 2 }, metadata: { keyType: 'string', type: 'string', id: 3 } },
            },
          },
        },
      },
    },
  },
};
const rpcTypes = protobuf.Root.fromJSON(rpcDescriptor as protobuf.INamespace);
const StatusType = rpcTypes.lookupType('google.rpc.Status');
const ErrorInfoType = rpcTypes.lookupType('google.rpc.ErrorInfo');

export class SparkError extends Error {
  /** Set by ExecutePlan when the call failed before the server answered anything. */
  beforeFirstResponse = false;

  constructor(
    message: string,
    /** The gRPC status code (13 for most Spark failures, 1 when the call was cancelled). */
    readonly grpcCode: number,
    /** Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND`, `INVALID_HANDLE.SESSION_CHANGED`; null if none. */
    readonly errorClass: string | null,
    readonly sqlState: string | null,
    /** The server's exception class, e.g. `org.apache.spark.sql.AnalysisException`. */
    readonly exceptionType: string | null,
  ) {
    super(message);
    this.name = 'SparkError';
  }

  /** True when the class is `cls` or one of its sub-classes (`INVALID_HANDLE` covers `INVALID_HANDLE.SESSION_CHANGED`). */
  is(cls: string): boolean {
    return this.errorClass === cls || (this.errorClass?.startsWith(`${cls}.`) ?? false);
  }

  /** The server cannot be reached (down, restarting) rather than refusing the request. */
  get unavailable(): boolean {
    return this.grpcCode === (GrpcStatus.UNAVAILABLE as number);
  }
}

interface ErrorInfo {
  reason?: string;
  metadata?: Record<string, string>;
}

function errorInfoOf(error: ServiceError): ErrorInfo | null {
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (!raw || typeof raw === 'string') return null;
  try {
    const status = StatusType.toObject(StatusType.decode(raw)) as { details?: { type_url?: string; value?: Uint8Array }[] };
    const detail = status.details?.find((d) => d.type_url?.endsWith('google.rpc.ErrorInfo'));
    if (!detail?.value) return null;
    const info: ErrorInfo = ErrorInfoType.toObject(ErrorInfoType.decode(detail.value));
    return info;
  } catch {
    return null;
  }
}

const CLASS_PREFIX = /^\s*(?:[\w.$]+(?:Exception|Error):\s*)?\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]\s*/;

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error;
}

/** Turns whatever a gRPC call threw into a SparkError (other errors pass through). */
export function toSparkError(error: unknown): Error {
  if (error instanceof SparkError) return error;
  if (!isServiceError(error)) return error instanceof Error ? error : new Error(String(error));
  const info = errorInfoOf(error);
  const text = error.details || error.message;
  const fromText = CLASS_PREFIX.exec(text);
  const errorClass = info?.metadata?.errorClass ?? fromText?.[1] ?? null;
  const message = fromText ? text.slice(fromText[0].length) : text;
  return new SparkError(
    errorClass ? `[${errorClass}] ${message}` : message,
    error.code,
    errorClass,
    info?.metadata?.sqlState ?? null,
    info?.reason ?? null,
  );
}
