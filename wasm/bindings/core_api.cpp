// The one glue file between the text core and JavaScript. Everything
// crosses as JSON text (see docs/ARCHITECTURE.md, "The boundary"); the
// class below is the whole export list. Times cross as double (ms).
#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "json_client.hpp"

namespace {

class NatterCore {
 public:
  explicit NatterCore(const std::string& config_json) : client_(config_json) {}
  std::string handle(const std::string& event_json, double now_ms) {
    return client_.handle(event_json, static_cast<int64_t>(now_ms));
  }
  double nextDeadline() const { return static_cast<double>(client_.next_deadline()); }
  std::string conversationId() const { return client_.conversation_id(); }
  std::string statsJson() const { return client_.stats_json(); }

 private:
  natter::JsonClient client_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(natter_core) {
  emscripten::class_<NatterCore>("NatterCore")
      .constructor<const std::string&>()
      .function("handle", &NatterCore::handle)
      .function("nextDeadline", &NatterCore::nextDeadline)
      .function("conversationId", &NatterCore::conversationId)
      .function("statsJson", &NatterCore::statsJson);
}
