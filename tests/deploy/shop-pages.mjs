// The shop's pages: the README's snippet, loading the stable natter.js from
// the CDN origin with the agent's origin as data-endpoint, under the
// Content-Security-Policy a careful shop would send (docs/deploying.md,
// "Three origins"). No inline script or style: a strict policy allows none.

// The policies, for origins {cdn, agent} (https://host:port).
export function policies({ cdn, agent }) {
  const wss = agent.replace(/^https:/, 'wss:');
  const base = `default-src 'self'; style-src 'self'; connect-src 'self' ${cdn} ${agent} ${wss}`;
  return {
    // The widget in the page: scripts (and worklets) from the CDN,
    // WebAssembly compiled in the page, frames from the CDN (the voice
    // worker's frame; the core frame when WebAssembly is refused). No
    // blob:, data:, 'unsafe-eval' or 'unsafe-inline' anywhere.
    strict: `${base}; script-src 'self' ${cdn} 'wasm-unsafe-eval'; frame-src ${cdn}`,
    // Without 'wasm-unsafe-eval': the core runs in the frame fallback.
    noWasm: `${base}; script-src 'self' ${cdn}; frame-src ${cdn}`,
  };
}

const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;');

// A shop page embedding `src` (default: the CDN's stable loader) with
// data-endpoint = the agent and the other `data` attributes ({tokenUrl: …}
// becomes data-token-url).
export function shopPage({ cdn, agent, data = {}, src = `${cdn}/natter.js`, title = 'Deploy test shop' }) {
  const attrs = Object.entries({ endpoint: agent, ...data })
    .map(([k, v]) => ` data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${attr(v)}"`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<script async src="${attr(src)}"${attrs}></script>
</head><body><main><h1>${title}</h1><p>Running shoes, consoles, headsets.</p></main></body></html>`;
}
