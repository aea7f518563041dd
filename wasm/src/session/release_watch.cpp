#include "session/release_watch.hpp"
#include "boundary/json_limits.hpp"

#include <cctype>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/call_apart.hpp"
#include "client.hpp"

namespace natter {
namespace {

// "1.4.2-rc.1" -> {1,4,2} and "rc.1"; false when the numeric part is not one.
bool split_version(const std::string& v, std::vector<uint64_t>& parts, std::string& pre) {
  const auto cut = v.find_first_of("-+");
  const std::string core = v.substr(0, cut);
  pre = cut == std::string::npos || v[cut] == '+' ? "" : v.substr(cut + 1);
  if (core.empty() || core.size() > 40) return false;
  uint64_t n = 0;
  bool digit = false;
  for (char ch : core) {
    if (ch == '.') {
      if (!digit) return false;
      parts.push_back(n);
      n = 0;
      digit = false;
    } else if (std::isdigit(static_cast<unsigned char>(ch))) {
      n = n * 10 + static_cast<uint64_t>(ch - '0');
      digit = true;
    } else {
      return false;
    }
  }
  if (!digit) return false;
  parts.push_back(n);
  return true;
}

}  // namespace

std::optional<int> compare_versions(const std::string& a, const std::string& b) {
  std::vector<uint64_t> pa, pb;
  std::string prea, preb;
  if (!split_version(a, pa, prea) || !split_version(b, pb, preb)) return std::nullopt;
  pa.resize(std::max(pa.size(), pb.size()), 0);
  pb.resize(pa.size(), 0);
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (pa[i] != pb[i]) return pa[i] < pb[i] ? -1 : 1;
  if (prea == preb) return 0;
  if (prea.empty()) return 1;  // a release sorts after its pre-releases
  if (preb.empty()) return -1;
  return prea < preb ? -1 : 1;
}

void ReleaseWatch::anchor(int64_t now) {
  if (anchored_) return;
  anchored_ = true;
  wall_offset_ = c_.config_.wall_now_ms - now;
}

bool ReleaseWatch::serves_us(const Welcome& w) {
  served_note_ = w.min_protocol == 0 ? "" : "it serves protocol " + std::to_string(w.min_protocol) + " and up" +
                 (w.min_client.empty() ? std::string() : ", widget release " + w.min_client + " and up");
  if (w.min_protocol > kSessionProtocolVersion) return false;
  if (w.min_client.empty() || c_.config_.version.empty()) return true;
  const auto order = compare_versions(c_.config_.version, w.min_client);
  return !order || *order >= 0;  // a version that cannot be compared is not refused
}

bool ReleaseWatch::on_refused(int64_t now) {
  const std::string mine = "this page runs widget release " +
                           (c_.config_.version.empty() ? std::string("?") : c_.config_.version) + " (build " +
                           c_.config_.build + ", protocol " + std::to_string(kSessionProtocolVersion) + ")";
  const std::string theirs = served_note_.empty() ? "" : "; " + served_note_;
  if (!may_reload(now)) {
    reason_.clear();
    c_.out_.emplace_back(Log{"warn", "the chat service no longer serves this widget: " + mine + theirs +
                                      ". This tab already reloaded in the last 10 minutes, so it stops here. "
                                      "Fix: point the page's pin (data-version, ?v=, /v/<version>/) or its "
                                      "channel at a release the service supports."});
    return false;
  }
  reason_ = "unsupported";
  target_build_.clear();
  c_.out_.emplace_back(Log{"warn", "the chat service no longer serves this widget: " + mine + theirs +
                                    ". Reloading once, when nothing would be lost, to get a newer one."});
  return true;
}

void ReleaseWatch::on_welcome() {
  if (c_.config_.channel_url.empty() || checking_ || sent_) return;
  call_apart(+[](ReleaseWatch& watch) {  // a page that follows a channel (call_apart.hpp)
    watch.checking_ = true;
    watch.c_.out_.emplace_back(ChannelCheck{watch.c_.config_.channel_url});
  }, *this);
}

void ReleaseWatch::on_channel(const ChannelRead& e) {
  if (!checking_) return;  // not asked for
  checking_ = false;
  if (!e.ok || e.build.empty()) {
    c_.out_.emplace_back(Log{"info", "could not read the release channel " + c_.config_.channel_url + ": staying on this release"});
    return;
  }
  if (e.build == c_.config_.build) {
    if (reason_ == "channel") reason_.clear();  // moved back before we reloaded
    return;
  }
  if (reason_ == "unsupported" || (reason_ == "channel" && target_build_ == e.build)) return;
  reason_ = "channel";
  target_build_ = e.build;
  c_.out_.emplace_back(Log{"info", "the release channel moved to " + e.version + " (build " + e.build +
                                    "); this page runs build " + c_.config_.build + ": reloading when nothing would be lost"});
}

bool ReleaseWatch::may_reload(int64_t now) const {
  if (sent_) return false;
  const int64_t last = c_.config_.last_reload_wall_ms;
  if (last <= 0) return true;
  if (c_.config_.wall_now_ms <= 0) return false;  // cannot tell how long ago: the safe side
  const int64_t ago = wall(now) - last;
  if (ago < -kReloadGuardMs) return true;  // a record from the future is no record
  return ago >= kReloadGuardMs;
}

void ReleaseWatch::drop_reason(int64_t now) {
  if (reason_ == "channel")
    c_.out_.emplace_back(Log{"info", "this tab reloaded less than 10 minutes ago: it stays on build " + c_.config_.build +
                                      " until its next page load"});
  (void)now;
  reason_.clear();
  target_build_.clear();
}

void ReleaseWatch::reload_if_safe(int64_t now) {
  if (reason_.empty() || sent_) return;
  if (!may_reload(now)) return drop_reason(now);
  if (!c_.nothing_to_lose()) return;
  sent_ = true;
  nlohmann::json record = json_object({{"at", c_.config_.wall_now_ms > 0 ? wall(now) : 0}, {"reason", reason_}});
  if (!target_build_.empty()) record["build"] = target_build_;
  c_.out_.emplace_back(Persist{kPersistKey, record.dump()});
  c_.out_.emplace_back(ReloadPage{target_build_, reason_});
}

}  // namespace natter
