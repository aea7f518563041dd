// The one glue file between the text core and JavaScript. Everything
// crosses as JSON text (see docs/boundary.md), as UTF-8
// in the module's memory; times cross as double (ms). Plain C exports, not
// embind: embind's runtime was two thirds of the glue in the core bundle,
// and six calls need none of it. shim/core-api.js wraps them in the
// NatterCore class the shim and the tests use.
//
// A returned string lives in one buffer owned here: its length is
// natter_core_out_len(), and it is valid until the next call that returns
// a string. The caller owns text it passes in (malloc/free).
#include <emscripten/emscripten.h>
#include <emscripten/stack.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "boundary/json_client.hpp"

namespace {
std::string g_out;

const char* out(std::string text) {
  g_out = std::move(text);
  return g_out.data();
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE natter::JsonClient* natter_core_new(const char* config_json, int length) {
  return new natter::JsonClient(std::string_view(config_json, static_cast<size_t>(length)));
}

EMSCRIPTEN_KEEPALIVE void natter_core_delete(natter::JsonClient* core) { delete core; }

EMSCRIPTEN_KEEPALIVE const char* natter_core_handle(natter::JsonClient* core, const char* event_json, int length,
                                                    double now_ms) {
  return out(core->handle(std::string_view(event_json, static_cast<size_t>(length)), static_cast<int64_t>(now_ms)));
}

EMSCRIPTEN_KEEPALIVE int natter_core_out_len() { return static_cast<int>(g_out.size()); }

// Where the module keeps state between calls: every byte below the stack's
// low end and from its high end up to the heap's top (sbrk), as four
// addresses [0, low) [high, top). The stack itself holds nothing between
// calls. shim/core-api.js copies these before a call while the rest of the
// core's code is still loading, so a call that reaches code not loaded yet
// can be undone and replayed once it is (docs/decisions/0006-core-split-by-first-chat-profile.md, "The core in
// two parts").
EMSCRIPTEN_KEEPALIVE const uint32_t* natter_core_live_memory() {
  static uint32_t spans[4];
  spans[0] = 0;
  spans[1] = static_cast<uint32_t>(emscripten_stack_get_end());
  spans[2] = static_cast<uint32_t>(emscripten_stack_get_base());
  spans[3] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(sbrk(0)));
  return spans;
}

EMSCRIPTEN_KEEPALIVE double natter_core_next_deadline(const natter::JsonClient* core) {
  return static_cast<double>(core->next_deadline());
}

EMSCRIPTEN_KEEPALIVE const char* natter_core_conversation_id(const natter::JsonClient* core) {
  return out(core->conversation_id());
}

EMSCRIPTEN_KEEPALIVE const char* natter_core_stats_json(const natter::JsonClient* core) {
  return out(core->stats_json());
}

EMSCRIPTEN_KEEPALIVE const char* natter_core_identity_json(const natter::JsonClient* core) {
  return out(core->identity_json());
}

// Runs one whole HTTP turn (send, streamed reply with Markdown, end) on a
// scratch core whose effects go nowhere, and returns 1 when its reply came
// to an end. Why: browsers compile WASM functions lazily, on first call, and
// the first message's Enter -> fetch paid for it (Chromium, first message:
// medians 12.5 and 14.3 ms against 9.6 and 7.2 ms with lazy compilation
// off, 8 runs each, loaded machine). The shim calls this once, when the page
// is idle after the core loaded. Nothing here is shared with a real core.
EMSCRIPTEN_KEEPALIVE int natter_core_warm() {
  static const char* const kTurn[] = {
      R"({"type":"send_clicked","text":"Do you have *PS5* games?"})",
      R"({"type":"http_responded","request_id":1,"status":200})",
      R"({"type":"http_body","request_id":1,"chunk":"event: start\ndata: {\"reply_id\":\"r\"}\n\nevent: delta\ndata: {\"text\":\"Yes: **two**, see [here](https://shop.test/p).\"}\n\nevent: done\ndata: {}\n\n"})",
      R"({"type":"http_ended","request_id":1})",
  };
  natter::JsonClient scratch(R"({"chat_url":"https://warm.invalid/api/chat","seed_hi":"1","seed_lo":"1"})");
  int64_t now = 1000;
  bool replied = false;
  for (const char* event : kTurn) replied |= scratch.handle(event, now += 10).find(R"("done":true)") != std::string::npos;
  return replied;
}

}  // extern "C"
