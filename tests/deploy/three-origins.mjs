// The deployment tier's fixture: the widget as shops run it, on three
// HTTPS origins built from the real artefacts (docs/deploying.md, "Three origins"):
//   https://shop.test:P   the shop's pages (shop-server.mjs), its own token endpoint
//   https://cdn.test:Q    the release folder as `npm run release` lays it out
//                         (release-folder.mjs), served by nginx (cdn-nginx.mjs)
//   https://agent.test:R  the reference gateway behind HAProxy terminating TLS
//                         (gateway-haproxy.mjs): https:// and wss://
// The certificates come from a throwaway CA (ca.mjs); Chromium trusts the
// leaves by their SPKI hashes and maps the three names to 127.0.0.1.
//
// One per test file: `stack = await startThreeOrigins({...})` in before(),
// `stack.close()` in after(). The stack is tests/browser/harness.mjs's
// (openStorefront, openLive, eventually, stats, faults, killSessions all
// work on it): stack.server.url is the shop, stack.control() reaches the
// gateway's test controls on its loopback port (never through the proxy).
// Put pages on the shop with stack.page(path, {csp, data}).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startReferenceServer, startStack } from '../browser/harness.mjs';
import { makeCertificates } from './ca.mjs';
import { startCdn } from './cdn-nginx.mjs';
import { startGatewayProxy } from './gateway-haproxy.mjs';
import { makeReleaseFolder } from './release-folder.mjs';
import { startShop } from './shop-server.mjs';
import { policies, shopPage } from './shop-pages.mjs';

export const HOSTS = { shop: 'shop.test', cdn: 'cdn.test', agent: 'agent.test' };
export const VERSION = '1.0.1';

// `versions`: published, the last one promoted (and deployed on the gateway).
// `tokenSecret`: the gateway requires shop tokens, which the shop mints.
// `extraArgs`: more Chromium flags (a fake microphone).
// `chromium`: false for a stack without the harness's Chromium (the engine
// tier drives its own browser, tests/engines/deploy.mjs).
// `staffToken`: turns on the gateway's staff API (docs/protocol.md "Staff API").
// `rtc`: the gateway's WebRTC options (a TURN relay it mints credentials for).
export async function startThreeOrigins({
  versions = [VERSION], tokenSecret = null, extraArgs = [], chromium = true, staffToken = '', rtc = undefined,
} = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'natter-deploy-'));
  chmodSync(work, 0o755); // nginx's workers may run as nobody when the test runs as root
  const started = [];
  try {
    const certs = makeCertificates(work, Object.values(HOSTS));
    const release = await makeReleaseFolder(work, { versions });
    const serverOptions = {
      distDir: release.gatewayDir, requireToken: tokenSecret ? { secret: tokenSecret } : null, staffToken, ...(rtc ? { rtc } : {}),
    };
    const gateway = chromium
      ? await startStack({
        server: serverOptions,
        extraArgs: [
          `--host-resolver-rules=${Object.values(HOSTS).map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
          `--ignore-certificate-errors-spki-list=${certs.spkiList.join(',')}`,
          ...extraArgs,
        ],
      })
      : await startReferenceServer(serverOptions);
    const { server } = gateway; // replaced below by the shop's url
    started.push(chromium ? gateway.close : () => server.close()); // with Chromium: its browser and the gateway
    const agent = await startGatewayProxy({ upstreamPort: gateway.server.port, host: HOSTS.agent, leaf: certs.leaves[HOSTS.agent] });
    started.push(agent.stop);
    const cdn = await startCdn({ releaseDir: release.releaseDir, host: HOSTS.cdn, leaf: certs.leaves[HOSTS.cdn] });
    started.push(cdn.stop);
    const shop = await startShop({ host: HOSTS.shop, leaf: certs.leaves[HOSTS.shop], tokenSecret });
    started.push(shop.stop);

    const origins = { shop: shop.origin, cdn: cdn.origin, agent: agent.origin };
    const csp = policies(origins);
    return Object.assign(gateway, {
      server: { url: `${shop.origin}/` }, // where harness.openStorefront navigates
      gateway: gateway.server,
      origins,
      allowedOrigins: Object.values(origins), // harness: requests elsewhere are "offsite"
      apiOrigin: agent.origin, // harness: POST /api/chat is recorded there
      csp, release, shop, cdn, agent, caCert: certs.caCert, spkiList: certs.spkiList,
      // Puts a page on the shop: `csp` (a policy text, or none), `data`
      // attributes of the snippet, `src` of the script.
      page(pathname, { csp: policy, data, src } = {}) {
        shop.setPage(pathname, {
          body: shopPage({ ...origins, data, src }),
          headers: policy ? { 'Content-Security-Policy': policy } : {},
        });
        return pathname;
      },
      async close() {
        await stopAll(started);
        rmSync(work, { recursive: true, force: true });
      },
    });
  } catch (error) {
    await stopAll(started);
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

async function stopAll(stops) {
  await Promise.all(stops.map((stop) => stop().catch(() => {})));
}
