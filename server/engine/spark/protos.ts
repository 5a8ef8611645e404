/**
 * The Spark Connect protocol, loaded at run time from the `.proto` files that the build extracts
 * from the Spark Connect jar (scripts/spark/protos.sh; never committed). Looked up, in order:
 * `FRAMEGATE_SPARK_PROTOS`, `spark-protos/` beside the bundle (scripts/build.mjs copies them into
 * dist/), and `.cache/spark/protos` of the source tree (tests, tsx).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ENTRY = join('spark', 'connect', 'base.proto');

/** The folder holding `spark/connect/*.proto`, or null when none is found. */
export function findProtoDir(): string | null {
  const candidates: string[] = [];
  if (process.env.FRAMEGATE_SPARK_PROTOS) candidates.push(process.env.FRAMEGATE_SPARK_PROTOS);
  candidates.push(join(__dirname, 'spark-protos'));
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(join(dir, '.cache', 'spark', 'protos'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((dir) => existsSync(join(dir, ENTRY))) ?? null;
}

/** The generated client constructor of `spark.connect.SparkConnectService`. */
export type ServiceClientConstructor = grpc.ServiceClientConstructor;

let cached: ServiceClientConstructor | null = null;

export function loadSparkConnectService(): ServiceClientConstructor {
  if (cached) return cached;
  const dir = findProtoDir();
  if (!dir) {
    throw new Error('the Spark Connect protocol files are missing: run `bash scripts/spark/install.sh` (or set FRAMEGATE_SPARK_PROTOS)');
  }
  const definition = protoLoader.loadSync(ENTRY, {
    includeDirs: [dir],
    // Field names as the .proto spells them (snake_case), as Spark's documentation does.
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: false,
    // Each oneof gets a virtual field naming the member that is set (e.g. `response_type`).
    oneofs: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as { spark: { connect: { SparkConnectService: ServiceClientConstructor } } };
  cached = root.spark.connect.SparkConnectService;
  return cached;
}
