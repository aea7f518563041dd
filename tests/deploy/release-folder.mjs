// The widget files exactly as `npm run release` lays them out
// (tools/release/release.mjs: channels/, v/<version>/, the stable natter.js),
// built from the real artefacts: build/wasm (what `npm run build` made) and
// the shim, one bundle per version. The gateway is deployed with the
// channel's release: `gatewayDir` is a symlink to v/<channel version>/
// (its manifest names the build the gateway's welcome announces), moved
// with every promotion, as a shop deploys the agent and the CDN together.
import { mkdirSync, renameSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { build } from '../../tools/bundle/build.mjs';
import { promote, publish, writeStableLoader } from '../../tools/release/release.mjs';

// Resolves {releaseDir, gatewayDir, manifests: {version: manifest}, promote(version)}.
export async function makeReleaseFolder(work, { versions, channel = 'latest' }) {
  const releaseDir = path.join(work, 'release');
  const gatewayDir = path.join(work, 'gateway-release');
  const manifests = {};
  for (const version of versions) {
    // wasm: false reuses build/wasm; only the bundles differ between versions.
    const { outDir } = await build({ outDir: path.join(work, 'dist', version), version, wasm: false });
    manifests[version] = publish({ releaseDir, distDir: outDir });
  }
  await writeStableLoader({ releaseDir, channel });
  let stamp = 0; // the channel pointer's last mtime, in whole seconds
  const folder = {
    releaseDir, gatewayDir, manifests,
    // Points the channel (the CDN's channels/<channel>.json) and the gateway at `version`.
    promote(version) {
      promote({ releaseDir, version, channel });
      // nginx's ETag is mtime (whole seconds) and size, and pointers of
      // versions of one length have one size: two promotions within a
      // second would share an ETag, and a browser revalidating the pointer
      // would get a stale 304. A deploy script must avoid that too
      // (docs/deploying.md, "The CDN (nginx)").
      stamp = Math.max(Math.floor(Date.now() / 1000), stamp + 1);
      utimesSync(path.join(releaseDir, 'channels', `${channel}.json`), stamp, stamp);
      const link = `${gatewayDir}.tmp`;
      mkdirSync(work, { recursive: true });
      symlinkSync(path.join(releaseDir, 'v', version), link);
      renameSync(link, gatewayDir); // atomic: a hello never reads a half-moved gateway
    },
  };
  folder.promote(versions.at(-1));
  return folder;
}
