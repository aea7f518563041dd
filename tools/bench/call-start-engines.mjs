// "Voice call start" in the other engines: Firefox ESR and
// WebKitGTK, through the engine tier's drivers (tests/engines/drivers/),
// each first call in a fresh browser (a new profile: empty cache) against a
// fresh reference server, with the engine's own fake microphone (Firefox: a
// tone; WebKitGTK: its mock capture device). Measured on the page's clock,
// so the driver's round trips do not count:
//   micMs    the click on "Start a voice call" -> the first binary frame the
//            page sends (the session's WebSocket or a WebRTC data channel)
//   agentMs  the click -> the voice bar's agent_speaking
// call-start.mjs measures Chromium the same way on the bench's clock and
// renders both.
import { startProductionServer } from './production-stack.mjs';
import { LIVE_PAGE } from '../../tests/browser/session-helpers.mjs';
import { widgetOn } from '../../tests/engines/widget.mjs';

export const CALL_START_ENGINES = ['firefox', 'webkit'];

// Runs in the page (before its scripts where the driver can, else after
// load, still before the call): stamps the click, the first binary send and
// agent_speaking.
function callStartProbe() {
  if (window.__callStart) return;
  const at = (window.__callStart = { click: null, packet: null, speaking: null });
  for (const Channel of [window.WebSocket, window.RTCDataChannel]) {
    if (!Channel) continue;
    const send = Channel.prototype.send;
    Channel.prototype.send = function benchSend(data) {
      if (typeof data !== 'string' && at.click !== null && at.packet === null) at.packet = performance.now();
      return send.call(this, data);
    };
  }
  addEventListener('click', (e) => {
    if (at.click === null && e.composedPath().some((n) => n.getAttribute?.('aria-label') === 'Start a voice call')) {
      at.click = performance.now();
      const bar = document.querySelector('natter-widget').shadowRoot.querySelector('[part="voice-bar"]');
      const seen = () => { if (at.speaking === null && bar.getAttribute('data-state') === 'agent_speaking') at.speaking = performance.now(); };
      new MutationObserver(seen).observe(bar, { attributes: true, attributeFilter: ['data-state'] });
    }
  }, true);
}

async function oneFirstCall(launch) {
  const stack = await startProductionServer();
  const browser = await launch();
  try {
    const page = await browser.open(new URL(LIVE_PAGE, stack.server.url).href, { init: callStartProbe });
    await page.evaluate(callStartProbe); // where the driver runs init scripts only after load
    const w = widgetOn(page);
    await w.openChat();
    await w.waitConnected(20_000);
    await w.click('button[aria-label="Start a voice call"]');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const at = await page.evaluate(() => window.__callStart);
      if (at.click !== null && at.packet !== null && at.speaking !== null) {
        return { micMs: at.packet - at.click, agentMs: at.speaking - at.click };
      }
      if (Date.now() > deadline) throw new Error(`no first call within 30 s: ${JSON.stringify(at)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await browser.close();
    await stack.server.close();
  }
}

// {engine: [{micMs, agentMs}, ...]} over `calls` first calls per engine.
export async function measureCallStartInEngines({ calls, engines = CALL_START_ENGINES, log = console.log }) {
  const out = {};
  for (const engine of engines) {
    const { launch } = await import(`../../tests/engines/drivers/${engine}.mjs`);
    out[engine] = [];
    for (let i = 0; i < calls; i++) {
      const run = await oneFirstCall(launch);
      log(`[bench] call start, ${engine} ${i + 1}/${calls}: first mic packet ${run.micMs.toFixed(0)} ms, agent speaking ${run.agentMs.toFixed(0)} ms`);
      out[engine].push(run);
    }
  }
  return out;
}
