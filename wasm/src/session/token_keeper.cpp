#include "session/token_keeper.hpp"

#include <algorithm>

#include "client.hpp"

namespace natter {
namespace {

using S = TokenState;

// A token travels in a header and a JSON frame: printable ASCII only.
bool usable_token(const std::string& t) {
  if (t.empty() || t.size() > TokenKeeper::kMaxTokenBytes) return false;
  for (char ch : t)
    if (ch <= 0x20 || ch >= 0x7f) return false;
  return true;
}

bool holds(S s) { return s == S::Holding || s == S::Refreshing; }
bool asks(S s) { return s == S::Fetching || s == S::Refreshing; }

}  // namespace

const char* const kTokenNames[] = {"NoToken", "Fetching", "Holding", "Refreshing"};
const Transition<TokenState> kTokenTransitions[] = {
    {S::NoToken, S::Fetching, NATTER_ON("asked (ready)")},
    {S::Fetching, S::Holding, NATTER_ON("token received")},
    {S::Fetching, S::NoToken, NATTER_ON("fetch failed / abandoned")},
    {S::Holding, S::Refreshing, NATTER_ON("asked, token expires within 30 s")},
    {S::Holding, S::NoToken, NATTER_ON("refused (4003 / 401)")},
    {S::Refreshing, S::Holding, NATTER_ON("token received / abandoned (old token kept)")},
    {S::Refreshing, S::NoToken, NATTER_ON("fetch failed (old token dropped)")},
    {S::Refreshing, S::Fetching, NATTER_ON("refused (4003 / 401)")},
};
const std::size_t kTokenTransitionCount = sizeof(kTokenTransitions) / sizeof(kTokenTransitions[0]);
const MachineTable<TokenState> kTokenMachine{"token", kTokenNames, kTokenTransitions};
const MachineTable<TokenState>& table_of(TokenState) { return kTokenMachine; }

bool TokenKeeper::go(TokenState to) {
  if (!machine_go(state_, to, c_)) return false;
  if (!holds(to)) {
    token_.clear();
    expires_at_ = 0;
  }
  if (!asks(to)) pending_ = 0;
  return true;
}

bool TokenKeeper::enabled() const { return !c_.config_.token_url.empty(); }

bool TokenKeeper::fresh(int64_t now) const {
  return !enabled() || (holds(state_) && expires_at_ - now > kRefreshMarginMs);
}

bool TokenKeeper::ready(int64_t now) {
  if (fresh(now)) return true;
  if (asks(state_)) return false;  // one fetch at a time, whoever asks
  if (!go(state_ == S::Holding ? S::Refreshing : S::Fetching)) return false;
  pending_ = c_.ids_.request_id();
  c_.out_.emplace_back(TokenRequested{pending_, c_.config_.token_url});
  return false;
}

void TokenKeeper::drop() {
  if (state_ == S::Holding) go(S::NoToken);
  else if (state_ == S::Refreshing) go(S::Fetching);
}

void TokenKeeper::abandon() {
  if (state_ == S::Fetching) go(S::NoToken);
  else if (state_ == S::Refreshing) go(S::Holding);
}

TokenKeeper::Outcome TokenKeeper::on_received(const TokenReceived& e, int64_t now) {
  if (pending_ == 0 || e.request_id != pending_) return Outcome::Stale;
  if (!usable_token(e.token) || e.expires_in_s <= 0) {
    // Never echo the value: it may be a real token with a stray character.
    return on_failed(TokenFailed{e.request_id, 0, "the answer has no usable token and expires_in"});
  }
  if (!go(S::Holding)) return Outcome::Refused;
  token_ = e.token;
  expires_at_ = now + std::min(e.expires_in_s, kMaxLifetimeS) * 1000;
  return Outcome::Ready;
}

TokenKeeper::Outcome TokenKeeper::on_failed(const TokenFailed& e) {
  if (pending_ == 0 || e.request_id != pending_) return Outcome::Stale;
  if (!go(S::NoToken)) return Outcome::Refused;  // the old token, if any, goes too
  const std::string status = e.status > 0 ? "HTTP " + std::to_string(e.status) : "no HTTP answer";
  c_.out_.emplace_back(Log{"warn", "token endpoint " + c_.config_.token_url + " failed (" + status +
                                    (e.reason.empty() ? "" : ": " + e.reason) + "): retrying with back-off"});
  return Outcome::Failed;
}

}  // namespace natter
