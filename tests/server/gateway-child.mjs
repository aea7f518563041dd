// One gateway instance as its own process, for tests that must kill it
// (SIGKILL: a crash, nothing saved on the way out). argv[2]: JSON options for
// startServer (port, redisUrl, tokenDelayMs, leaseMs, instance, ...). Prints
// one line `listening <url>` when ready; its log lines go to stderr.
import { startServer } from '../../tools/gateway/server.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await startServer({ testControls: true, log: (line) => process.stderr.write(`${line}\n`), ...options });
process.stdout.write(`listening ${server.url}\n`);
process.on('SIGTERM', async () => { await server.close(); process.exit(0); });
