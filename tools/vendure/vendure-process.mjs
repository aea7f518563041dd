// One Vendure server, unmodified, in its own process (vendure-server.mjs
// starts it): the engine from the cached install, SQLite through
// better-sqlite3, the Shop API and Admin API on 127.0.0.1:<port>.
//
//   node vendure-process.mjs <install dir> <database file> <port> [--populate]
//
// --populate sets a new database up (seed/) and exits; without it the
// server runs on the database until SIGTERM. Prints "ready" when serving.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initialData } from './seed/initial-data.mjs';

const [installDir, database, portText, mode] = process.argv.slice(2);
const require = createRequire(path.join(installDir, 'package.json'));
const { bootstrap, defaultConfig, mergeConfig, dummyPaymentHandler } = require('@vendure/core');

const config = mergeConfig(defaultConfig, {
  apiOptions: { port: Number(portText), hostname: '127.0.0.1', adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
  // Bearer tokens, as a server-side client (the gateway) holds them.
  authOptions: {
    tokenMethod: 'bearer', requireVerification: false,
    superadminCredentials: { identifier: 'superadmin', password: process.env.VENDURE_SUPERADMIN_PASSWORD || 'superadmin' },
  },
  dbConnectionOptions: { type: 'better-sqlite3', database, synchronize: true, logging: false },
  paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler] },
});

if (mode === '--populate') {
  const { populate } = require('@vendure/core/cli');
  const csv = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed/products.csv');
  const app = await populate(() => bootstrap(config), initialData(dummyPaymentHandler.code), csv);
  await app.close();
  console.log('populated');
} else {
  const app = await bootstrap(config);
  const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log('ready');
}
