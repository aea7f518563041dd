#include "token_keeper.hpp"

#include <algorithm>

#include "client.hpp"

namespace natter {
namespace {

// A token travels in a header and a JSON frame: printable ASCII only.
bool usable_token(const std::string& t) {
  if (t.empty() || t.size() > TokenKeeper::kMaxTokenBytes) return false;
  for (char ch : t)
    if (ch <= 0x20 || ch >= 0x7f) return false;
  return true;
}

}  // namespace

bool TokenKeeper::enabled() const { return !c_.config_.token_url.empty(); }

bool TokenKeeper::ready(int64_t now) {
  if (!enabled()) return true;
  if (!token_.empty() && expires_at_ - now > kRefreshMarginMs) return true;
  if (pending_ == 0) {
    pending_ = c_.ids_.request_id();
    c_.out_.push_back(TokenRequested{pending_, c_.config_.token_url});
  }
  return false;
}

void TokenKeeper::drop() {
  token_.clear();
  expires_at_ = 0;
}

TokenKeeper::Outcome TokenKeeper::on_received(const TokenReceived& e, int64_t now) {
  if (pending_ == 0 || e.request_id != pending_) return Outcome::Stale;
  if (!usable_token(e.token) || e.expires_in_s <= 0) {
    // Never echo the value: it may be a real token with a stray character.
    return on_failed(TokenFailed{e.request_id, 0, "the answer has no usable token and expires_in"});
  }
  pending_ = 0;
  token_ = e.token;
  expires_at_ = now + std::min(e.expires_in_s, kMaxLifetimeS) * 1000;
  return Outcome::Ready;
}

TokenKeeper::Outcome TokenKeeper::on_failed(const TokenFailed& e) {
  if (pending_ == 0 || e.request_id != pending_) return Outcome::Stale;
  pending_ = 0;
  drop();
  const std::string status = e.status > 0 ? "HTTP " + std::to_string(e.status) : "no HTTP answer";
  c_.out_.push_back(Log{"warn", "token endpoint " + c_.config_.token_url + " failed (" + status +
                                    (e.reason.empty() ? "" : ": " + e.reason) + "): retrying with back-off"});
  return Outcome::Failed;
}

}  // namespace natter
