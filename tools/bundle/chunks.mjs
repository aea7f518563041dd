// The chunks of the core bundle that only some pages need (build.mjs, step
// 2c, bundles each), each its own classic script whose only statement hands
// its exports to a hook on window.natter (shim/load-chunk.js loads them,
// with SRI):
//   voice_runtime_js (natter.voiceruntime.<hash>.js): the call's audio
//     runtime (shim/voice/voice-runtime.js: AudioContext, worklets, worker,
//     getUserMedia), downloaded on the first call (shim/voice/load-runtime.js);
//   frame_host_js (natter.framehost.<hash>.js): the host side of the core
//     frame (shim/frame/), downloaded only when the page's CSP forbids
//     compiling WebAssembly (shim/frame/load-frame-host.js);
//   session_ui_js (natter.sessionui.<hash>.js): the live session's UI beyond
//     a first chat (calls, the handoff form, continue on a phone), downloaded
//     once the panel opened or when the core first needs it
//     (shim/session-ui/session-ui-host.js);
//   continue_js (natter.continue.<hash>.js): the continue-on-phone sheet and
//     the QR encoder (qrcode-generator, pinned) with its SVG drawer,
//     downloaded when the shopper first asks to continue on a phone
//     (shim/continue/load-continue-chunk.js);
//   conversations_js (natter.conversations.<hash>.js): the list of the
//     shopper's conversations and its CSS, downloaded only on a page with
//     data-conversations="multiple" (shim/ui/load-conversations.js).
//   reply_parts_js (natter.replyparts.<hash>.js): product cards and reply
//     chips with their CSS and English, downloaded once the panel opened or
//     when the core first shows one (shim/ui/load-reply-parts.js).
//   shop_requests_js (natter.shoprequests.<hash>.js): the fetches of the
//     shop's token endpoint and of the release channel pointer, downloaded
//     at start only on a page with a token URL or a channel
//     (shim/load-shop-requests.js).
//   thumbs_js (natter.thumbs.<hash>.js): thumbs up / down under each
//     finished answer, the stars after a person handed the conversation
//     back, and their POST /api/feedback, downloaded by the reply
//     parts chunk when it arrives (shim/ui/load-thumbs.js), which carries
//     its entry as __NATTER_REPLY_PARTS_FILES__.
//   page_context_js (natter.pagecontext.<hash>.js): the page context's
//     page watch with the gateway's checker, downloaded once the panel
//     opened or when the shop calls natter('context' | 'cart')
//     (shim/load-page-context.js).
export const CHUNKS = [
  { key: 'session_ui_js', stem: 'natter.sessionui', entry: 'shim/session-ui/session-ui-chunk.js' },
  { key: 'voice_runtime_js', stem: 'natter.voiceruntime', entry: 'shim/voice/voice-runtime-chunk.js' },
  { key: 'frame_host_js', stem: 'natter.framehost', entry: 'shim/frame/frame-host-chunk.js' },
  { key: 'continue_js', stem: 'natter.continue', entry: 'shim/continue/continue-chunk.js' },
  { key: 'conversations_js', stem: 'natter.conversations', entry: 'shim/ui/conversations-chunk.js' },
  { key: 'reply_parts_js', stem: 'natter.replyparts', entry: 'shim/ui/reply-parts-chunk.js' },
  { key: 'shop_requests_js', stem: 'natter.shoprequests', entry: 'shim/shop-requests-chunk.js' },
  { key: 'page_context_js', stem: 'natter.pagecontext', entry: 'shim/page-context-chunk.js' },
  { key: 'thumbs_js', stem: 'natter.thumbs', entry: 'shim/ui/thumbs-chunk.js' },
];
