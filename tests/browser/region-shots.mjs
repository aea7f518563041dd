// Screenshots of one region of the widget (an element's box), compared with
// tests/browser/reference/<name>.png. A pixel differs when a channel
// differs by more than CHANNEL_TOLERANCE; a shot fails when the differing
// pixels exceed RATIO_TOLERANCE of the region itself (not of the viewport),
// or when the region changed size: a missing, added or garbled element
// inside it fails. On failure the actual and diff images are written to
// build/screenshots/. NATTER_UPDATE_SCREENSHOTS=1 (npm run
// update-screenshots) rewrites the references. docs/theming.md,
// "Screenshot tests".
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { repoRoot } from '../node/load-core.mjs';

export const CHANNEL_TOLERANCE = 24;
export const RATIO_TOLERANCE = 0.005;
const UPDATE = process.env.NATTER_UPDATE_SCREENSHOTS === '1';
const refDir = path.join(repoRoot, 'tests/browser/reference');
const outDir = path.join(repoRoot, 'build/screenshots');

// {ratio, diff}: the differing pixels of two same-sized PNGs over `area`
// (default: the whole image; screenshots.test.mjs passes the widget's).
export function compareRegion(a, b, area = a.width * a.height) {
  const diff = new PNG({ width: a.width, height: a.height });
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let off = false;
    for (let c = 0; c < 3; c++) if (Math.abs(a.data[i + c] - b.data[i + c]) > CHANNEL_TOLERANCE) off = true;
    diff.data[i] = off ? 255 : a.data[i] >> 2;
    diff.data[i + 1] = off ? 0 : a.data[i + 1] >> 2;
    diff.data[i + 2] = off ? 0 : a.data[i + 2] >> 2;
    diff.data[i + 3] = 255;
    if (off) differing++;
  }
  return { ratio: differing / area, diff };
}

// Shoots `locator`'s box (animations off, no caret) and checks it against
// the reference `name`.
export async function checkRegion(name, locator) {
  await locator.waitFor({ state: 'visible' });
  checkShot(name, await locator.screenshot({ animations: 'disabled', caret: 'hide' }));
}

// Checks a PNG against the reference `name` (or writes it, when updating):
// the same size, and differing pixels within RATIO_TOLERANCE of `area`
// (default the whole shot; `areaName` says what it is in the message).
// `references`: another folder of references (the engines tier keeps one per engine).
export function checkShot(name, buffer, { area, areaName = 'the region', references = refDir } = {}) {
  const file = path.join(references, `${name}.png`);
  if (UPDATE) {
    mkdirSync(references, { recursive: true });
    writeFileSync(file, buffer);
    return;
  }
  assert.ok(existsSync(file), `no reference ${path.relative(repoRoot, file)}: run npm run update-screenshots`);
  const want = PNG.sync.read(readFileSync(file));
  const got = PNG.sync.read(buffer);
  const fail = (why) => {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `${name}.actual.png`), buffer);
    assert.fail(`${name}: ${why}; see build/screenshots/`);
  };
  if (got.width !== want.width || got.height !== want.height) {
    fail(`the region is ${got.width}×${got.height}, the reference ${want.width}×${want.height}`);
  }
  if (area !== undefined && !(area > 0)) fail(`${areaName} drew nothing to compare`);
  const { ratio, diff } = compareRegion(got, want, area);
  if (ratio > RATIO_TOLERANCE) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `${name}.diff.png`), PNG.sync.write(diff));
    fail(`differing pixels are ${(ratio * 100).toFixed(2)}% of ${areaName} (limit ${RATIO_TOLERANCE * 100}%)`);
  }
}
