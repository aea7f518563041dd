// Content-Encoding for static files: which of a file's precompressed
// siblings (tools/bundle/precompress.mjs: <file>.br, <file>.gz) a request
// may have, by its Accept-Encoding (RFC 9110 12.5.3). Brotli before gzip
// (smaller); a coding given q=0 is refused; with no header, none.
//
//   acceptedEncodings('gzip, deflate, br')   -> ['br', 'gzip']
//   acceptedEncodings('br;q=0, *')           -> ['gzip']
//   acceptedEncodings(undefined)             -> []
import { ENCODINGS } from '../../bundle/precompress.mjs';

export function acceptedEncodings(header) {
  if (typeof header !== 'string' || header.trim() === '') return [];
  const q = new Map();
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(coding.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (name) => (q.has(name) ? q.get(name) : (q.get('*') ?? 0));
  return ENCODINGS.map((e) => e.name).filter((name) => weight(name) > 0);
}
