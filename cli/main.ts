/** The `framegate` bin (bundled to dist/cli.js). */
import { runCli } from './program';

void runCli(process.argv).then((code) => {
  // Let stdout drain instead of process.exit(): large JSON output to a pipe is written asynchronously.
  process.exitCode = code;
});
