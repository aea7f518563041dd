// The WASM encoder where shoppers' calls run it: headless Chromium (its V8
// is years newer than Node 20's, and compiles the same module differently).
// The voice module's glue and binary are handed to a blank page, which times
// each encode loop on its own clock: the same loop as voice-codec.mjs's
// Node run (copy in, encode, copy the packet out), a fresh encoder each run.
//
//   const enc = await openChromiumEncoder({ glue, executablePath })
//   await enc.run(pcm, complexity, { rate, frame, bitrate }) -> { cpuMs, packets }
//   await enc.close()
//
// cpuMs is wall time of a busy loop on one thread (a page cannot read its
// CPU clock); on an idle core the two agree, and the bench reports minimums.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const base64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export async function openChromiumEncoder({ glue, executablePath = '/usr/bin/chromium' }) {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.evaluate(async ({ source, wasm }) => {
      // The glue is CommonJS (module.exports = factory); about:blank has no CSP.
      const module = { exports: {} };
      new Function('module', 'exports', source)(module, module.exports);
      const wasmBinary = Uint8Array.from(atob(wasm), (ch) => ch.charCodeAt(0));
      globalThis.voice = await module.exports({ wasmBinary });
    }, { source: readFileSync(glue, 'utf8'), wasm: base64(readFileSync(glue.replace(/\.js$/, '.wasm'))) });
    let loaded = null;
    return {
      async run(pcm, complexity, { rate, frame, bitrate }) {
        if (loaded !== pcm) {
          await page.evaluate((b64) => {
            globalThis.pcm = new Int16Array(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)).buffer);
          }, base64(pcm));
          loaded = pcm;
        }
        const r = await page.evaluate(({ complexity, rate, frame, bitrate }) => {
          const V = globalThis.voice;
          const enc = new V.VoiceEncoder(rate, bitrate, complexity); // FEC and loss as the Node run: the defaults
          try {
            const packets = [];
            const t = performance.now();
            for (let off = 0; off < globalThis.pcm.length; off += frame) {
              new Int16Array(V.HEAPU8.buffer, enc.inputPtr(), frame).set(globalThis.pcm.subarray(off, off + frame));
              const n = enc.encode(frame);
              if (n < 0) throw new Error(`VoiceEncoder.encode: ${n}`);
              packets.push(V.HEAPU8.slice(enc.outputPtr(), enc.outputPtr() + n));
            }
            const ms = performance.now() - t;
            return { ms, packets: packets.map((p) => Array.from(p)) };
          } finally {
            enc.delete();
          }
        }, { complexity, rate, frame, bitrate });
        return { cpuMs: r.ms, packets: r.packets.map((p) => Uint8Array.from(p)) };
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}
