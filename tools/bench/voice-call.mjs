// Main-thread long tasks during a voice call, in headless Chromium: the
// live-session storefront (/demo/live.html) with Chromium's fake microphone
// playing espeak-ng speech (as tests/browser/voice.test.mjs does), the
// session up, then "Start a voice call" and `seconds` of call.
//
//   longTasks   longtask entries (>= 50 ms) that start after the click and
//               before the window ends; a PerformanceObserver installed
//               before any page script. widgetLoafMs: time of the widget's
//               own scripts (sourceURL natter.*) inside long animation
//               frames in the same window (longtask does not say whose
//               code ran; the audio itself runs in a worklet and a worker).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProductionStack } from './production-stack.mjs';
import { openConnected } from '../../tests/browser/session-helpers.mjs';
import { speechWav, micArgs, recordVoiceStates } from '../../tests/browser/voice-audio.mjs';

const observe = (page) => page.addInitScript(() => {
  const rec = (window.__voiceBench = { longTasks: [], loaf: [] });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) rec.longTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        for (const s of e.scripts ?? []) {
          if (/\/natter\./.test(s.sourceURL ?? '')) rec.loaf.push({ start: e.startTime, duration: s.duration });
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* no LoAF in this Chromium: widgetLoafMs stays empty */ }
});

// What Chromium itself spends constructing the first AudioContext of a
// fresh browser (its audio service and output device start then), against a
// second one, in a blank page (about:blank) of a new browser launched like
// the call's: the part of a call's start no widget code can avoid (an
// AudioWorklet needs an AudioContext). {firstMs, secondMs}. Then, in
// another fresh browser, the first AudioContext constructed only after
// getUserMedia has granted the (fake) microphone, as the voice runtime
// does: afterMicMs.
async function audioContextCost(extraArgs) {
  const inFreshBrowser = async (url, fn) => {
    const stack = await startProductionStack({ extraArgs });
    const page = await stack.context.newPage();
    try {
      if (url) await page.goto(url(stack));
      return await page.evaluate(fn);
    } finally {
      await stack.close();
    }
  };
  const blank = await inFreshBrowser(null, async () => {
    const time = async () => {
      const t = performance.now();
      const ctx = new AudioContext({ latencyHint: 'interactive' });
      const ms = performance.now() - t;
      await ctx.close();
      return ms;
    };
    return { firstMs: await time(), secondMs: await time() };
  });
  // getUserMedia needs a secure context: a plain JSON document on loopback.
  const afterMicMs = await inFreshBrowser((stack) => `${stack.server.url.replace(/\/$/, '')}/__natter/stats`, async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const t = performance.now();
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    const ms = performance.now() - t;
    await ctx.close();
    for (const track of stream.getTracks()) track.stop();
    return ms;
  });
  return { ...blank, afterMicMs };
}

// Returns {seconds, longTaskCount, longTaskMs, longestMs, longTaskStartsMs, widgetLoafMs,
// states: [voice bar states seen], uplinkMs: natter('debug').voice_uplink_ms,
// audioContext: {firstMs, secondMs, afterMicMs}}. One call: a single measurement.
export async function measureCallLongTasks({ seconds }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-vbench-call-'));
  // 2 s of silence, a question, 3 s of silence: the fake mic loops it.
  const wav = speechWav(dir, 'shopper', 'Hello, I am looking for running shoes in size nine. Do you have any?',
    { leadSeconds: 2, tailSeconds: 3 });
  const stack = await startProductionStack({ extraArgs: micArgs(wav) });
  try {
    const s = await openConnected(stack, { onPage: observe });
    const bar = s.widget.locator('[part="voice-bar"]');
    await recordVoiceStates(s.page);
    const from = await s.page.evaluate(() => performance.now());
    await s.widget.getByRole('button', { name: 'Start a voice call' }).click();
    await s.widget.locator('[part="voice-bar"][data-state="listening"]').waitFor({ state: 'attached', timeout: 20_000 });
    await s.page.waitForFunction((t) => performance.now() >= t, from + seconds * 1000, { timeout: seconds * 1000 + 30_000, polling: 1000 });
    const state = await bar.getAttribute('data-state');
    if (['off', 'ending'].includes(state)) throw new Error(`the call ended during the window (state ${state})`);
    const r = await s.page.evaluate(() => ({
      ...window.__voiceBench, states: window.__voiceStates, uplink: window.natter('debug').voice_uplink_ms,
    }));
    const inWindow = (e) => e.start >= from && e.start < from + seconds * 1000;
    const tasks = r.longTasks.filter(inWindow);
    const result = {
      seconds,
      longTaskCount: tasks.length,
      longTaskMs: tasks.reduce((sum, t) => sum + t.duration, 0),
      longestMs: Math.max(0, ...tasks.map((t) => t.duration)),
      longTaskStartsMs: tasks.map((t) => t.start - from), // after the click
      widgetLoafMs: r.loaf.filter(inWindow).reduce((sum, t) => sum + t.duration, 0),
      states: r.states,
      uplinkMs: r.uplink, // {count, median, p95}: captured chunk in the worker -> packets sent
    };
    await stack.close();
    return { ...result, audioContext: await audioContextCost(micArgs(wav)) };
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
