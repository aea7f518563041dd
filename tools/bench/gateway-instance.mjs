// One gateway instance for the Gateway bench (gateway.mjs), in its own
// process so its memory and CPU are its own and it can be SIGKILLed.
// argv[2]: JSON options for startServer. Started with --expose-gc by
// gateway.mjs; answers the IPC message {cmd: 'mem'} with its memory after a
// full GC. Sends {ready: url} once listening.
import { startServer } from '../gateway/server.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await startServer({ log: () => {}, ...options });
process.send({ ready: server.url });
process.on('message', async (message) => {
  if (message?.cmd === 'mem') {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc?.();
    process.send({ mem: process.memoryUsage() });
  } else if (message?.cmd === 'stop') {
    await server.close();
    process.exit(0);
  }
});
