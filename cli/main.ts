/** The `framegate` bin (bundled to dist/cli.js). */
import './thread-pool';
import { runCli } from './program';

// `framegate ls | head` closes our stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void runCli(process.argv).then((code) => {
  // Let stdout drain instead of process.exit(): large JSON output to a pipe is written asynchronously.
  process.exitCode = code;
});
