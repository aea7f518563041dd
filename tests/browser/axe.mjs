// axe-core on the widget (used by accessibility.test.mjs and the voice tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource = null;
const BLOCKING = new Set(['serious', 'critical']);

// Runs axe on the widget as it is now (or on `include`, axe's context: e.g.
// [['main']] for a page of its own); fails listing every serious or
// critical violation (rule, impact, help, and each offending node).
export async function assertAxeClean(page, label, { include = [['natter-widget']] } = {}) {
  // Evaluated through the DevTools protocol, not a <script> tag: a page
  // under a strict Content-Security-Policy (the operator console) records no
  // violation for it.
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  // Colours are checked on the settled state, not mid-way through the
  // panel's opening fade. A transition cancelled meanwhile (the voice bar's
  // meter and state move during a call) rejects `finished` with an
  // AbortError: it has settled too.
  await page.evaluate(() => Promise.all((document.querySelector('natter-widget')?.shadowRoot ?? document).getAnimations()
    .map((a) => a.finished.catch(() => {}))));
  const violations = await page.evaluate(async (context) => {
    const result = await window.axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  }, { include });
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  assert.deepEqual(blocking, [], `${label}: axe found serious/critical violations:\n${JSON.stringify(blocking, null, 2)}`);
}
