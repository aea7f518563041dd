// The default tts adapter (speech/index.mjs): espeak-ng (22.05 kHz WAV on
// stdout) resampled to 48 kHz int16 mono by sox. Offline, one process pair
// per text (the gateway caches the result per text).
import { spawn } from 'node:child_process';
import { SAMPLE_RATE } from '../opus-frames.mjs';

// Resolves the PCM of `text` spoken by espeak-ng, as an Int16Array.
export function speak(text, { voice = 'en-us' } = {}) {
  return new Promise((resolve, reject) => {
    // '--': the text is never read as an option, whatever it starts with.
    const espeak = spawn('espeak-ng', ['-v', voice, '--stdout', '--', text], { stdio: ['ignore', 'pipe', 'ignore'] });
    const sox = spawn('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', String(SAMPLE_RATE), '-e', 'signed',
      '-b', '16', '-c', '1', '-L', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks = [];
    let errors = '';
    const fail = (why) => { espeak.kill(); sox.kill(); reject(new Error(`agent voice: ${why}`)); };
    espeak.on('error', (e) => fail(`espeak-ng: ${e.code ?? e.message} (run npm run setup)`));
    sox.on('error', (e) => fail(`sox: ${e.code ?? e.message} (run npm run setup)`));
    sox.stdin.on('error', () => {}); // sox gone early: its exit status says why
    espeak.stdout.pipe(sox.stdin);
    sox.stdout.on('data', (c) => chunks.push(c));
    sox.stderr.on('data', (c) => { errors += c; });
    sox.on('close', (code) => {
      if (code !== 0) return fail(`sox exited ${code}: ${errors.trim()}`);
      const raw = Buffer.concat(chunks);
      const pcm = new Int16Array(raw.length >> 1);
      for (let i = 0; i < pcm.length; i++) pcm[i] = raw.readInt16LE(2 * i);
      return resolve(pcm);
    });
  });
}

// createEspeakTts({voice}) → { name, synthesize(text) → Promise<Int16Array> }.
export function createEspeakTts({ voice = 'en-us' } = {}) {
  return { name: `espeak-ng (${voice})`, synthesize: (text) => speak(text, { voice }) };
}
