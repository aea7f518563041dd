// The one place for byte budgets (gzipped bytes of a production build as
// served: each file's .gz sibling, made by zopfli, tools/bench/served-bytes.mjs). Used by the bench (tools/bench/sizes.mjs, `npm run bench`: the
// "Shipped bytes" table), the size test in `npm test`
// (tests/node/size-budgets.test.mjs) and the release tool's stable loader
// (tools/release/release.mjs).
//
// Two kinds of figure:
//   BUDGETS  a ceiling per shipped file. The loader's is the product
//            requirement (it is on every page of every shop). The others sit
//            about 10-20 % above what the file weighed when it was set (more
//            for files of a few hundred bytes, where that is ordinary
//            growth): ordinary growth fits, a sudden jump (a new dependency,
//            a debug build, a lost size flag) fails the test. Raise one on
//            purpose, in its own commit, saying why.
//   TARGETS  what a shopper downloads for a first chat and a first call,
//            reported by the bench against the same run's sizes.

export const LOADER_BUDGET = 2048;

const KIB = 1024;
export const BUDGETS = {
  loader: LOADER_BUDGET,
  core_js: 30 * KIB,           // 23,695 B as served once product cards and reply chips, the chunks' English, the core texts' key tables, the token and channel fetches and the session UI's chunk entries left the bundle and SRI became SHA-256 (25,751 B before); 25,673 B as served once the live session's UI beyond a first chat left for its chunk (session_ui_js); 28,851 B with the core in two parts (the guard and the waiting: shim/core-api.js); 27,914 B once the English of the core's own texts left the bundle (shim/i18n/en-core.js); 28,746 B once the core's Emscripten glue went (a standalone .wasm, shim/core-api.js instantiates it); 30,616 B once the WebRTC link moved to the voice runtime chunk; 31,799 B with several conversations, the link type and the queue's estimate (29,788 B with continue on your phone, presence and the WebRTC link; 25,524 B before them)
  core_wasm: 54 * KIB,         // 47,097 B as served (47,137 B before the welcome's cold branches were called apart): what a first chat over HTTP calls (the split by HTTP's first chats alone: tools/bundle/build.mjs; what no first chat takes kept apart: wasm/src/base/call_apart.hpp), the rest in core_rest_wasm; 49,592 B before call_apart. Before the split per transport (gzip -9): 66,989 B for both transports (85,034 B whole); 80,100 B with continue on your phone, presence and the voice ladder (71,564 B before them, with the small libc)
  core_rest_wasm: 47 * KIB,    // 47,582 B with actions in the page (chat/actions.*, +~900 B here after the first chat's share moved apart; was 46 KiB); 39,747 B as served (39,500 B before the welcome's cold branches moved here): the core's functions no first chat over HTTP calls, downloaded once the panel opened (26,404 B gzip -9 when one split served both transports)
  core_session_wasm: 64 * KIB, // 53,962 B as served: what a first chat over the live session calls, with the welcome's cold branches called apart (54,979 B before; 61,619 B before call_apart and the frame decoders' table)
  core_session_rest_wasm: 41 * KIB, // 41,558 B with actions in the page (chat/actions.*: its JSON bodies and ledger answers, +~2.6 KB; was 38 KiB; hand-written JSON there could win some back); 33,748 B as served (32,584 B before the welcome's cold branches moved here): the rest for a page on the live session
  core_frame_js: 2.75 * KIB,   // 2,437 B with the core in two parts (waits for the rest); 1,707 B without the core's Emscripten glue (3,597 B with it)
  core_frame_html: 512,        // 241 B
  session_ui_js: 5.75 * KIB,   // 5,632 B once a call's notices and their English came from the core's first part (call-notices.js, en-call.js; 5,162 B before); 4,572 B: the call bar and voice effects, the handoff form, continue on a phone (shim/session-ui/), once the panel opened on a page on the live session
  voice_runtime_js: 5.75 * KIB, // 4,892 B with the voice files' manifest entries (shim/voice/voice-files.js) and the codec build's probe (codec-build.js); 4,458 B with the WebRTC link (rtc-link.js, from the core bundle); 2,955 B after cross-origin voice (1,578 B before)
  frame_host_js: 1.5 * KIB,    // 1,350 B
  conversations_js: 1.5 * KIB, // the list of the shopper's conversations and its CSS, only on a page with data-conversations="multiple"
  page_context_js: 4.75 * KIB, // 4,665 B: the page watch (shim/page-context.js) with the gateway's context checker and the shop's actions (shim/actions.js, checked and fitted into the 8 KiB context), once the panel opened or the shop calls natter('context' | 'cart' | 'action')
  reply_parts_js: 3.75 * KIB,  // 3,553 B with the thumbs chunk's loader and manifest entry (was 3 KiB); 2,762 B: product cards, reply chips and the action confirm card with their CSS and English, once the panel opened or the first card or chip set
  thumbs_js: 3.5 * KIB,        // 3,500 B: thumbs up / down under each finished answer and a thumb down's reason form, the stars after a handoff, with their CSS, English and POST /api/feedback, loaded by the reply parts chunk (which carries its manifest entry)
  shop_requests_js: 1 * KIB,   // the token endpoint's and the release channel's fetches, only on a page with a token URL or a channel
  continue_js: 10.5 * KIB,     // 9,201 B: the continue sheet + qrcode-generator 2.0.4 + its SVG drawer, only once a shopper asks to continue on a phone
  voice_js: 12 * KIB,          // 10,187 B
  voice_wasm: 132 * KIB,       // the codec with WASM SIMD in two encoder files (wasm/opus/simd/) and the quantiser's feedback two states at a time (wasm/opus/wasm_patch/, +247 B): 119,482 B before the SIMD files (libopus 1.3.1 at -Os with LTO, emmalloc, bulk memory, no tonality analysis, 64-bit multiplies; 120,913 B with SILK's 32-bit ones, 132,765 B with the analysis, 157,226 B at -O2)
  voice_scalar_wasm: 132 * KIB, // the same codec without WASM SIMD, for engines without it (shim/voice/codec-build.js)
  voice_frame_js: 1 * KIB,     // the voice frame (cross-origin voice): 641 B with its page
  voice_frame_html: 512,
};
// Files that come in families: one budget for each member.
const FAMILY_BUDGETS = [
  ['worklet_', 1.25 * KIB],  // web/worklets/*.js: 705 and 922 B
  ['i18n_', 3.25 * KIB],     // one language catalogue: 2,716 (de) to 2,881 B (ar) with continue on another device and presence (2,090 to 2,165 B with the handoff notices)
];

// The budget of a manifest key (or 'loader'), or null when it has none.
export function budgetFor(key) {
  if (Object.hasOwn(BUDGETS, key)) return BUDGETS[key];
  const family = FAMILY_BUDGETS.find(([prefix]) => key.startsWith(prefix));
  return family ? family[1] : null;
}

// What a shopper downloads, by intent (keys of measureSizes rows).
//   first_chat: open the panel and send one message over HTTP, the default
//               transport (the loader, the core bundle and its WASM's
//               first part for HTTP, core_wasm: the rest, core_rest_wasm,
//               comes once the panel opened; English ships in the core
//               bundle).
//   first_chat_session: the same on a page on the live session
//               (core_session_wasm instead of core_wasm).
//   first_call: the first voice call on top of that (the session UI chunk
//               included).
export const TARGETS = {
  first_chat: { bytes: 80 * KIB, label: 'first chat over HTTP, the default (loader + core JS + core WASM, its first part for HTTP)',
    includes: (key) => key === 'loader' || key === 'core_js' || key === 'core_wasm' },
  first_chat_session: { bytes: 80 * KIB, label: 'first chat over the live session (loader + core JS + core WASM, its first part for the session)',
    includes: (key) => key === 'loader' || key === 'core_js' || key === 'core_session_wasm' },
  // The voice frame's two files count too: a widget embedded from another
  // origin downloads them for its first call (shim/voice/README.md).
  // The session UI chunk too: it carries the call's bar and effects (it
  // usually came once the panel opened, but a call cannot start without it).
  // The codec is voice_wasm, what every current engine gets; one without
  // WASM SIMD gets voice_scalar_wasm instead, which is smaller.
  first_call: { bytes: 140 * KIB, label: 'first voice call (session UI, voice runtime, worker + glue, WASM, worklets, voice frame)',
    includes: (key) => ['session_ui_js', 'voice_runtime_js', 'voice_js', 'voice_wasm'].includes(key) || key.startsWith('worklet_') ||
      key.startsWith('voice_frame_') },
};

// [{name, label, gzip, gzip9, br, target, pass}] for measureSizes rows. The
// targets are judged on gzip as served (the .gz siblings); gzip9 (gzip -9,
// the measure of older figures) and br (the brotli siblings) are reported
// beside it, br null if a file has none.
export function targetTotals(sizes) {
  return Object.entries(TARGETS).map(([name, t]) => {
    const files = sizes.filter((s) => t.includes(s.key));
    const gzip = files.reduce((n, s) => n + s.gzip, 0);
    const gzip9 = files.reduce((n, s) => n + s.gzip9, 0);
    const br = files.every((s) => s.br !== null) ? files.reduce((n, s) => n + s.br, 0) : null;
    return { name, label: t.label, gzip, gzip9, br, target: t.bytes, pass: gzip <= t.bytes };
  });
}
