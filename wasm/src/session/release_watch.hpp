// When the page loads again (docs/protocol.md, "Releases and reloads").
// Two reasons, and only these:
//  - the server it reached does not serve this client: its hello `v` is
//    refused (error unsupported_version / close 4001), or the welcome names
//    a `min_protocol` above ours or a `min_client` release newer than ours
//    (config.version);
//  - the channel this page follows (config.channel_url, set by the loader
//    only for a page that follows a channel; a pinned page has none) now
//    points at another build than the page runs. The core asks the host to
//    re-read the channel pointer after every welcome (ChannelCheck) and
//    hears the answer (ChannelRead).
// The welcome's `build` alone is never a reason: a pinned page, a rollback
// or a gateway serving another build than the CDN must not reload.
//
// Rules for the reload itself:
//  - at most one per tab within kReloadGuardMs (10 min), whatever the
//    server says: the reload's wall time is persisted (kPersistKey) before
//    ReloadPage, and the next page's config restores it
//    (last_reload_wall_ms, with wall_now_ms to compare against);
//  - only when nothing would be lost: no call, nothing unsent or
//    unanswered, an empty composer (Client::nothing_to_lose);
//  - a reason the guard forbids is dropped for this page (logged once):
//    the server's refusal is then told to the shopper (status
//    unsupported_client), a moved channel waits for a later page load.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/events.hpp"
#include "session/session_frames.hpp"

namespace natter {

class Client;

// Compares release versions "1.4.2", "1.10.0-rc.1" (numeric dot parts; a
// pre-release sorts before its release). Nothing when either is not one.
std::optional<int> compare_versions(const std::string& a, const std::string& b);

class ReleaseWatch {
 public:
  static constexpr const char* kPersistKey = "natter.reload";
  static constexpr int64_t kReloadGuardMs = 10 * 60 * 1000;

  explicit ReleaseWatch(Client& client) : c_(client) {}

  // Pairs the host's wall clock (config.wall_now_ms) with the first event's
  // monotonic time.
  void anchor(int64_t now);
  // False when the welcome says the server does not serve this client.
  bool serves_us(const Welcome& w);
  // The server refused this client. True when a reload will be tried (the
  // guard allows one); false: the shopper must be told.
  bool on_refused(int64_t now);
  // A welcome: asks for the channel pointer, if the page follows one.
  void on_welcome();
  void on_channel(const ChannelRead& e);
  // After every event: reloads when there is a reason and it is safe.
  void reload_if_safe(int64_t now);

  bool may_reload(int64_t now) const;
  bool reloading() const { return sent_; }
  // The host's wall clock at monotonic `now` (ms since 1970), once anchored.
  int64_t wall(int64_t now) const { return now + wall_offset_; }

 private:
  void drop_reason(int64_t now);

  Client& c_;
  bool anchored_ = false;
  int64_t wall_offset_ = 0;
  std::string reason_;        // "" none, "unsupported", "channel"
  std::string target_build_;  // the channel's build (reason "channel")
  std::string served_note_;   // the welcome's minimums, for the console
  bool checking_ = false;     // a ChannelCheck is out
  bool sent_ = false;
};

}  // namespace natter
