// Keeps natter-recogniser processes (natter-recogniser.c: one pocketsphinx
// decoder each, loaded once) and hands them utterances, one at a time per
// process. Starting pocketsphinx for each utterance cost about as much again
// as recognising it (loading the model, the dictionary and the grammar).
//
//   const r = createResidentRecogniser({ binary, args, processes: 2 });
//                            (one process starts at once, so the first
//                            utterance does not wait for the model to load)
//   await r.hear(pcm16k)   (a Buffer of 16 kHz mono s16le samples) → the words ('' when none); rejects if the process
//                            failed or took longer than `timeoutMs` (the
//                            process is then stopped; the next utterance
//                            gets a new one)
//   r.close()              ends the processes
//
// Utterances beyond `processes` wait in order, at most `maxWaiting` of them
// (default MAX_WAITING): past that, hear() rejects at once with an Error whose
// code is RECOGNISER_BUSY, as any failed recognition does (the voice path
// logs it and the utterance gets no answer; the gateway counts it in
// /metrics as natter_limits_hit_total{limit="voice_recogniser_queue_full"}).
// Idle processes do not keep node running (a test or a stopping gateway
// exits without close()).
import { spawn } from 'node:child_process';

// Twice the calls one instance holds by default (client-bounds.mjs
// maxVoiceCalls: 200): each call has at most one answer and one speculative
// recognition in flight, so a queue this long means the decoders have fallen
// behind for good, and waiting longer only makes every answer later.
export const MAX_WAITING = 400;
export const RECOGNISER_BUSY = 'recogniser_busy';

export function createResidentRecogniser({ binary, args, processes = 2, timeoutMs = 15_000, maxWaiting = MAX_WAITING }) {
  const idle = [];
  const waiting = [];
  let started = 0;
  let closed = false;

  function quiet(child, on) {
    for (const handle of [child, child.stdin, child.stdout, child.stderr]) on ? handle.ref?.() : handle.unref?.();
  }

  function start() {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const worker = { child, job: null, out: '', err: '', dead: false };
    started += 1;
    child.stdin.on('error', () => {});
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      worker.out += text;
      const end = worker.out.indexOf('\n');
      if (end < 0 || !worker.job) return;
      const words = worker.out.slice(0, end).trim();
      worker.out = worker.out.slice(end + 1);
      finish(worker, null, words);
    });
    child.stderr.on('data', (c) => { worker.err = (worker.err + c).slice(-300); });
    const gone = (why) => {
      if (worker.dead) return;
      worker.dead = true;
      started -= 1;
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      if (worker.job) finish(worker, new Error(`natter-recogniser ${why}: ${worker.err.trim() || 'no message'}`));
      next();
    };
    child.on('error', (e) => gone(`did not start (${e.code ?? e.message})`));
    child.on('exit', (code, signal) => gone(`exited ${signal ?? code}`));
    quiet(child, false);
    return worker;
  }

  function finish(worker, error, words) {
    const { resolve, reject, timer } = worker.job;
    clearTimeout(timer);
    worker.job = null;
    quiet(worker.child, false);
    if (error) reject(error); else resolve(words);
    if (worker.dead) return;
    if (closed) worker.child.stdin.end();
    else {
      idle.push(worker);
      next();
    }
  }

  function next() {
    while (waiting.length && !closed) {
      const worker = idle.pop() ?? (started < processes ? start() : null);
      if (!worker) return;
      run(worker, waiting.shift());
    }
  }

  function run(worker, job) {
    worker.job = job;
    quiet(worker.child, true);
    job.timer = setTimeout(() => worker.child.kill('SIGKILL'), timeoutMs);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(job.pcm.byteLength >> 1);
    worker.child.stdin.write(head);
    worker.child.stdin.write(job.pcm.subarray(0, job.pcm.byteLength & ~1));
  }

  idle.push(start());

  return {
    hear(pcm16k) {
      if (closed) return Promise.reject(new Error('the recogniser is closed'));
      if (waiting.length >= maxWaiting) {
        const busy = new Error(`the recogniser is busy: ${maxWaiting} utterances already wait for a decoder`);
        busy.code = RECOGNISER_BUSY;
        return Promise.reject(busy);
      }
      return new Promise((resolve, reject) => {
        waiting.push({ pcm: pcm16k, resolve, reject, timer: null });
        next();
      });
    },
    close() {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('the recogniser is closed'));
      for (const worker of idle.splice(0)) worker.child.stdin.end();
    },
  };
}
