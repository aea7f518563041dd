// Speech to text with Debian's pocketsphinx (model pocketsphinx-en-us),
// constrained by the shop's grammar (shop-grammar.mjs), offline. The
// shopper's 48 kHz PCM is resampled to 16 kHz by sox, then heard by a
// resident decoder (recogniser/: natter-recogniser processes that load the
// model once), or, where that program cannot be built, by one
// pocketsphinx_continuous per utterance (reading a WAV file: it seeks in its
// input). Both hear the same words.
//
// createPocketsphinxStt({products, wholeDictionary?, resident?}) →
//   { transcribe(pcm48k: Int16Array) → Promise<string> (the written form the
//     text agent reads; '' when nothing was recognised), grammar, folder,
//     engine: 'resident' | 'per-utterance', why (the reason it is not resident) }
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shopGrammar, writtenForm } from './shop-grammar.mjs';
import { SAMPLE_RATE } from './opus-frames.mjs';
import { recogniserBinary } from './recogniser/recogniser-binary.mjs';
import { createResidentRecogniser } from './recogniser/resident-recogniser.mjs';

export const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const ACOUSTIC_MODEL = path.join(MODEL_DIR, 'en-us');
export const DICTIONARY = path.join(MODEL_DIR, 'cmudict-en-us.dict');

// Below the default 0.65: fewer short words ("a", "your") slipped in before
// product names (on tests/server/voice-stt.test.mjs's set: WER 0.220 → 0.169).
const WORD_INSERTION_PENALTY = '0.2';

let words = null;
// The recogniser's words (read once): "word" and "word(2)" variants as "word".
export function dictionaryWords() {
  words ??= new Set(readFileSync(DICTIONARY, 'utf8').split('\n').map((l) => l.split(' ')[0].replace(/\(\d+\)$/, '')));
  return words;
}

function run(command, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.on('error', (e) => reject(new Error(`${command}: ${e.code ?? e.message} (run npm run setup)`)));
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => { err += c; });
    child.stdin.on('error', () => {});
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out))
      : reject(new Error(`${command} exited ${code}: ${err.trim().slice(-300)}`))));
    child.stdin.end(input);
  });
}

// The grammar's words (rule names, keywords and operators left out).
export function grammarWords(grammar) {
  const body = grammar.replace(/^#JSGF[^;]*;|^grammar [^;]*;/gm, '').replace(/<[^>]*>/g, ' ').replace(/\bpublic\b/g, ' ');
  return new Set(body.split(/[\s=|;[\]()*+]+/).filter(Boolean));
}

// The dictionary's entries for the grammar's words only (variants too):
// pocketsphinx reads its whole dictionary for each utterance, and the full
// one (134,000 words) took about two thirds of each recognition (0.29-0.36 s
// against 0.12-0.13 s for a question of the demo's grammar, same words out).
export function grammarDictionary(grammar) {
  const wanted = grammarWords(grammar);
  return readFileSync(DICTIONARY, 'utf8').split('\n')
    .filter((line) => wanted.has(line.split(' ')[0].replace(/\(\d+\)$/, '')))
    .join('\n') + '\n';
}

// A file another process may be reading: written beside it and renamed in.
function writeOnce(file, text) {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  const part = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(part, text);
  renameSync(part, file);
}

const RAW_48K = ['-D', '-t', 'raw', '-r', String(SAMPLE_RATE), '-e', 'signed', '-b', '16', '-c', '1', '-L', '-'];

// Resident decoders per recogniser: utterances of more calls than this wait.
const RESIDENT_PROCESSES = 2;

// `wholeDictionary`: read the full dictionary each time (tests compare).
// `resident: false`: one pocketsphinx_continuous per utterance (tests and the
// bench compare).
export function createPocketsphinxStt({ products, wholeDictionary = false, resident = true }) {
  const grammar = shopGrammar(products, { dictionary: dictionaryWords() });
  // One folder per grammar, shared by every recogniser of that catalogue and
  // left for the next start: a folder per recogniser was never removed (each
  // test run left a few in the temp folder).
  const dir = path.join(os.tmpdir(), `natter-stt-${createHash('sha256').update(grammar).digest('hex').slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  const grammarFile = path.join(dir, 'shop.gram');
  const dictionaryFile = path.join(dir, 'shop.dict');
  writeOnce(grammarFile, grammar);
  writeOnce(dictionaryFile, grammarDictionary(grammar));
  const decoderArgs = ['-hmm', ACOUSTIC_MODEL, '-dict', wholeDictionary ? DICTIONARY : dictionaryFile, '-jsgf', grammarFile,
    '-wip', WORD_INSERTION_PENALTY, '-logfn', '/dev/null'];
  const binary = resident ? recogniserBinary() : { path: null, reason: 'resident: false' };
  const decoder = binary.path ? createResidentRecogniser({ binary: binary.path, args: decoderArgs, processes: RESIDENT_PROCESSES }) : null;
  const utterance = `utterance-${process.pid}-${randomBytes(4).toString('hex')}`;
  let serial = 0;

  async function residentWords(raw) {
    return decoder.hear(await run('sox', [...RAW_48K, '-t', 'raw', '-r', '16000', '-e', 'signed', '-b', '16', '-c', '1', '-L', '-'], raw));
  }

  async function perUtteranceWords(raw) {
    const wav = path.join(dir, `${utterance}-${serial += 1}.wav`);
    try {
      await run('sox', [...RAW_48K, '-r', '16000', wav], raw);
      const out = await run('pocketsphinx_continuous', ['-infile', wav, ...decoderArgs], '');
      return out.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    } finally {
      rmSync(wav, { force: true });
    }
  }

  return {
    grammar,
    folder: dir,
    engine: decoder ? 'resident' : 'per-utterance',
    why: binary.reason ?? null,
    async transcribe(pcm48k) {
      const raw = Buffer.from(pcm48k.buffer, pcm48k.byteOffset, pcm48k.byteLength);
      return writtenForm(await (decoder ? residentWords(raw) : perUtteranceWords(raw)));
    },
    close: () => decoder?.close(),
  };
}
