// An acoustic loopback for the echo canceller bench (echo-canceller.mjs):
// a PulseAudio daemon of the bench's own whose default sink is a null sink
// ("speaker") and whose default source ("mic") is that sink's monitor, so
// whatever the browser plays comes straight back into its microphone, as
// from a laptop's speakers into its microphone, without the room. Chromium
// hides monitor sources from getUserMedia, hence a remapped source. The
// shopper talking is played into the same sink from outside the browser
// (paplay), so it is in the microphone but never in the browser's output.
//
//   const loop = await openEchoLoopback();   // installs pulseaudio as root if missing
//   browser env: loop.env; loop.talk(wavFile) -> Promise (played once); await loop.close();
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function ensurePulseAudio() {
  if (have('pulseaudio') && have('pactl') && have('paplay')) return;
  if (process.getuid?.() !== 0) throw new Error('the echo bench needs PulseAudio: apt-get install pulseaudio (as root)');
  console.log('[bench] installing pulseaudio (Debian package) for the echo loopback');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'pulseaudio', 'pulseaudio-utils']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

export async function openEchoLoopback() {
  ensurePulseAudio();
  const dir = mkdtempSync(path.join(tmpdir(), 'natter-echo-'));
  const socket = path.join(dir, 'native');
  const env = { ...process.env, XDG_RUNTIME_DIR: dir, PULSE_SERVER: `unix:${socket}`, HOME: dir };
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  run('pulseaudio', ['--daemonize=yes', '--exit-idle-time=-1', '-n', '--use-pid-file=yes', '--disable-shm=yes',
    `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    '--load=module-null-sink sink_name=speaker', `--log-target=file:${path.join(dir, 'pulse.log')}`]);
  for (let i = 0; i < 50; i += 1) {
    if (spawnSync('pactl', ['info'], { env }).status === 0) break;
    await new Promise((r) => { setTimeout(r, 100); });
  }
  run('pactl', ['load-module', 'module-remap-source', 'master=speaker.monitor', 'source_name=mic',
    'source_properties=device.description=EchoLoopback']);
  run('pactl', ['set-default-sink', 'speaker']);
  run('pactl', ['set-default-source', 'mic']);
  return {
    env,
    talk: (file) => new Promise((resolve, reject) => {
      const p = spawn('paplay', ['--device=speaker', file], { env, stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', resolve);
    }),
    async close() {
      spawnSync('pulseaudio', ['--kill'], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
