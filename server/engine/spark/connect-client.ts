/**
 * A Spark Connect client over gRPC: one channel to one server (`sc://host:port`), from which
 * sessions are opened (connect-session.ts). This module owns the channel and the raw calls;
 * it knows nothing of Framegate.
 */
import * as grpc from '@grpc/grpc-js';
import type {
  AddArtifactsRequest,
  AddArtifactsResponse,
  AnalyzePlanRequest,
  AnalyzePlanResponse,
  ConfigRequest,
  ConfigResponse,
  ExecutePlanRequest,
  ExecutePlanResponse,
  InterruptRequest,
  InterruptResponse,
  ReleaseSessionRequest,
} from './messages';
import { loadSparkConnectService } from './protos';
import { SparkError, toSparkError } from './connect-errors';

/** Spark Connect's default port. */
export const DEFAULT_PORT = 15002;
/** Arrow batches larger than grpc-js's 4 MB default arrive in one message: allow far more. */
const MAX_RECEIVE_BYTES = 512 * 1024 * 1024;
/** Unary calls (analyze, config, artifacts) without a deadline of their own. */
const UNARY_DEADLINE_MS = 10 * 60_000;
/** The server refuses requests larger than spark.connect.grpc.maxInboundMessageSize (128 MiB by default). */
const MAX_SEND_BYTES = 128 * 1024 * 1024;

export interface RemoteAddress {
  host: string;
  port: number;
  /** `;use_ssl=true`, implied by `;token=…`. */
  useSsl: boolean;
  /** `;token=…`: sent as `Authorization: Bearer …`. */
  token: string | null;
  /** `;user_id=…`. */
  userId: string | null;
}

/** Parses `sc://host[:port][/;key=value;…]` (Spark Connect's connection string). */
export function parseRemote(remote: string): RemoteAddress {
  const match = /^sc:\/\/(\[[^\]]+\]|[^/:;]+)(?::(\d+))?\/?(.*)$/.exec(remote.trim());
  if (!match) throw new Error(`not a Spark Connect address: ${remote} (expected sc://HOST:PORT)`);
  const params = new Map<string, string>();
  for (const part of match[3]!.split(';')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`bad parameter "${part}" in ${remote}`);
    params.set(part.slice(0, eq).toLowerCase(), decodeURIComponent(part.slice(eq + 1)));
  }
  const token = params.get('token') ?? null;
  return {
    host: match[1]!,
    port: match[2] ? Number(match[2]) : DEFAULT_PORT,
    useSsl: params.get('use_ssl') === 'true' || token !== null,
    token,
    userId: params.get('user_id') ?? null,
  };
}

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;

/** The service's methods as grpc-js generates them from the .proto. */
interface ServiceStub extends grpc.Client {
  ExecutePlan(request: ExecutePlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions): grpc.ClientReadableStream<ExecutePlanResponse>;
  AnalyzePlan(request: AnalyzePlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<AnalyzePlanResponse>): grpc.ClientUnaryCall;
  Config(request: ConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<ConfigResponse>): grpc.ClientUnaryCall;
  Interrupt(request: InterruptRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<InterruptResponse>): grpc.ClientUnaryCall;
  ReleaseSession(request: ReleaseSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<unknown>): grpc.ClientUnaryCall;
  AddArtifacts(metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<AddArtifactsResponse>): grpc.ClientWritableStream<AddArtifactsRequest>;
}

export interface CallOptions {
  /** Milliseconds until the call fails with DEADLINE_EXCEEDED (client side only). */
  timeoutMs?: number;
}

/** The raw calls, one method per RPC; errors become SparkError. */
export class SparkConnectClient {
  readonly address: RemoteAddress;
  private readonly stub: ServiceStub;
  private closed = false;

  constructor(remote: string) {
    this.address = parseRemote(remote);
    const Service = loadSparkConnectService();
    let credentials = this.address.useSsl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    if (this.address.token) {
      const bearer = `Bearer ${this.address.token}`;
      credentials = grpc.credentials.combineChannelCredentials(
        credentials,
        grpc.credentials.createFromMetadataGenerator((_params, done) => {
          const metadata = new grpc.Metadata();
          metadata.set('authorization', bearer);
          done(null, metadata);
        }),
      );
    }
    this.stub = new Service(`${this.address.host}:${this.address.port}`, credentials, {
      'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
      'grpc.max_send_message_length': MAX_SEND_BYTES,
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_permit_without_calls': 0,
    }) as unknown as ServiceStub;
  }

  get userId(): string {
    return this.address.userId ?? 'framegate';
  }

  /** Unary calls end by this deadline unless given one (a Spark that stops answering leaks no call for long). */
  private static options(options: CallOptions | undefined): grpc.CallOptions {
    return { deadline: Date.now() + (options?.timeoutMs ?? UNARY_DEADLINE_MS) };
  }

  /** Resolves once the channel is connected (or reconnected); fails after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.stub.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Calls wait for the channel to (re)connect instead of failing at once while Spark restarts. */
  private static metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    metadata.setOptions({ waitForReady: true });
    return metadata;
  }

  private unary<Req, Res>(
    method: (request: Req, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback<Res>) => grpc.ClientUnaryCall,
    request: Req,
    options?: CallOptions,
  ): Promise<Res> {
    const once = () =>
      new Promise<Res>((resolve, reject) => {
        method(request, SparkConnectClient.metadata(), SparkConnectClient.options(options), (error, value) => {
          if (error) reject(toSparkError(error));
          else resolve(value as Res);
        });
      });
    // A call sent on a connection that had just died (Spark restarted) never reached the server:
    // once more, on the reconnected channel.
    return once().catch((error: unknown) => {
      if (error instanceof SparkError && error.unavailable) return once();
      throw error;
    });
  }

  /** Starts ExecutePlan; the caller reads (and if need be cancels) the stream. */
  executePlan(request: ExecutePlanRequest): grpc.ClientReadableStream<ExecutePlanResponse> {
    return this.stub.ExecutePlan(request, SparkConnectClient.metadata(), {});
  }

  analyzePlan(request: AnalyzePlanRequest, options?: CallOptions): Promise<AnalyzePlanResponse> {
    return this.unary((r: typeof request, m, o, c) => this.stub.AnalyzePlan(r, m, o, c), request, options);
  }

  config(request: ConfigRequest, options?: CallOptions): Promise<ConfigResponse> {
    return this.unary((r: typeof request, m, o, c) => this.stub.Config(r, m, o, c), request, options);
  }

  interrupt(request: InterruptRequest, options?: CallOptions): Promise<InterruptResponse> {
    return this.unary((r: typeof request, m, o, c) => this.stub.Interrupt(r, m, o, c), request, options);
  }

  async releaseSession(request: ReleaseSessionRequest, options?: CallOptions): Promise<void> {
    await this.unary((r: typeof request, m, o, c) => this.stub.ReleaseSession(r, m, o, c), request, options);
  }

  /** Sends the requests of one AddArtifacts call (a client stream) and waits for the summary. */
  addArtifacts(requests: AddArtifactsRequest[], options?: CallOptions): Promise<AddArtifactsResponse> {
    return new Promise<AddArtifactsResponse>((resolve, reject) => {
      const call = this.stub.AddArtifacts(SparkConnectClient.metadata(), SparkConnectClient.options(options), (error, value) => {
        if (error) reject(toSparkError(error));
        else resolve(value!);
      });
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stub.close();
  }
}
