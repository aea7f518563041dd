// The network between the page and the gateway for tools/bench/voice-rungs.mjs,
// built inside the bench's own network namespace (it runs under `unshare -n`):
//
//   Chromium, in a second namespace        the bench (gateway, Playwright)
//   natA 10.77.0.1/24  <-- netpath.py (delay, jitter, loss) -->  natB 10.77.0.2/24
//
// Two namespaces because two local addresses in one would talk over `lo`
// and never cross the TUN pair. Chromium is put in the second one by
// running it through `nsenter` (the wrapper script given to Playwright,
// which still talks to it over a pipe, outside any network). Nothing is
// changed outside the bench's namespaces; everything goes when they do.
//
// openRungPath() -> { pageHost, gatewayHost, chromium (the wrapper's path),
//   set({delayMs, jitterMs, lossPct}), stats() -> {a_to_b: [fwd, dropped], b_to_a},
//   close() }
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ip = (...args) => execFileSync('/usr/sbin/ip', args);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

export const PAGE_HOST = '10.77.0.1';
export const GATEWAY_HOST = '10.77.0.2';

export async function openRungPath() {
  ip('link', 'set', 'lo', 'up');
  const forwarder = spawn('python3', [path.join(here, 'netpath.py'), 'natA', 'natB'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: forwarder.stdout });
  const replies = [];
  const waiting = [];
  lines.on('line', (line) => (waiting.length ? waiting.shift()(line) : replies.push(line)));
  const next = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise((r) => waiting.push(r)));
  const ask = async (command) => { forwarder.stdin.write(`${command}\n`); return next(); };
  const holder = spawn('unshare', ['-n', 'sleep', '100000'], { stdio: 'ignore' }); // the page's namespace
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-rungs-'));
  const close = () => {
    forwarder.stdin.end();
    forwarder.kill();
    holder.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if ((await next()) !== 'ready') throw new Error('netpath.py did not start');
    const own = readlinkSync('/proc/self/ns/net');
    for (let i = 0; i < 100 && readlinkSync(`/proc/${holder.pid}/ns/net`) === own; i++) await pause(20);
    const inPage = (...args) => execFileSync('nsenter', ['-t', String(holder.pid), '-n', '/usr/sbin/ip', ...args]);
    ip('link', 'set', 'natA', 'netns', String(holder.pid));
    inPage('link', 'set', 'lo', 'up');
    inPage('addr', 'add', `${PAGE_HOST}/24`, 'dev', 'natA');
    inPage('link', 'set', 'natA', 'up');
    ip('addr', 'add', `${GATEWAY_HOST}/24`, 'dev', 'natB');
    ip('link', 'set', 'natB', 'up');
    const chromium = path.join(dir, 'chromium');
    writeFileSync(chromium, `#!/bin/sh\nexec nsenter -t ${holder.pid} -n /usr/bin/chromium "$@"\n`, { mode: 0o755 });
    return {
      pageHost: PAGE_HOST, gatewayHost: GATEWAY_HOST, chromium, holderPid: holder.pid,
      async set({ delayMs = 0, jitterMs = 0, lossPct = 0 }) {
        if ((await ask(`set ${delayMs} ${jitterMs} ${lossPct}`)) !== 'ok') throw new Error('netpath.py refused the setting');
      },
      stats: async () => JSON.parse(await ask('stats')),
      // Runs a command in the page's namespace (checks, e.g. ping).
      inPage: (file, args) => execFileSync('nsenter', ['-t', String(holder.pid), '-n', file, ...args], { encoding: 'utf8' }),
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}
