// `npm start`: serves the demo storefront and the reference agent.
// Env: PORT (default 8787), HOST (default 127.0.0.1), NATTER_TEST_CONTROLS=1
// to enable /__natter/ test controls, NATTER_TOKEN_SECRET (16+ characters)
// to require shop tokens (requireToken; try /demo/token.html),
// NATTER_MIN_CLIENT (a release version: older widgets reload once, then say
// they are no longer supported; docs/protocol.md "Releases and reloads").
// Ctrl-C stops it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = process.env.PORT === undefined || process.env.PORT === '' ? 8787 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}

const server = await startServer({
  host: process.env.HOST || '127.0.0.1',
  port,
  distDir: path.join(repo, 'dist'),
  webDir: path.join(repo, 'web'),
  testControls: process.env.NATTER_TEST_CONTROLS === '1',
  requireToken: process.env.NATTER_TOKEN_SECRET ? { secret: process.env.NATTER_TOKEN_SECRET } : null,
  serves: { minClient: process.env.NATTER_MIN_CLIENT ?? '' },
});
console.log(`Natter demo storefront: ${server.url}`);

let stopping = false;
async function stop() {
  if (stopping) process.exit(130); // a second Ctrl-C: leave now
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
