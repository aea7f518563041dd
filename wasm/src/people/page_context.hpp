// Where the shopper is, told to the agent with each turn (docs/protocol.md,
// "Page and cart context"): the page, the product on it, the variant, the
// basket, the currency and the locale.
//
// The core carries it without reading it. The shim's page watch
// (shim/page-context.js, a chunk loaded once the shopper opens the panel or
// the shop calls natter('context'|'cart')) reads the page, checks the shop's
// calls, merges them and hands the whole as JSON object text; the gateway
// checks it again (tools/gateway/http/page-context.mjs) and refuses a bad one
// without keeping anything. What the core decides:
//  - it keeps the latest value; one over kContextMaxBytes, or not a JSON
//    object, is refused with one error log and changes nothing;
//  - each accepted message takes json_text() as it is then: its retries,
//    its re-sends after a reconnect and after a reload carry that same
//    context. Nothing is sent on its own: only with a message;
//  - it is not persisted apart from the messages that carry it: every page
//    reads its own.
#pragma once

#include <cstddef>
#include <string>

namespace natter {

class Client;

// The gateway's bound (CONTEXT_LIMITS.bytes), as JSON text.
constexpr std::size_t kContextMaxBytes = 8 * 1024;

class PageContext {
 public:
  explicit PageContext(Client& client) : c_(client) {}

  // `json`: the whole context as JSON object text; "" when none.
  void on_changed(const std::string& json);

  // The context for a message; "" when none.
  const std::string& json_text() const { return text_; }

 private:
  Client& c_;
  std::string text_;
};

}  // namespace natter
