// Helpers for live-session tests: a Harness configured with a session URL,
// and the server frames the reference server would send.
#pragma once

#include <string>

#include "harness.hpp"

namespace natter::testing {

inline Config session_config() {
  Config c = Harness::default_config();
  c.session_url = "ws://shop.test/api/session";
  c.tab_id = "tab-1";
  c.conversation_id = "conv-1";
  return c;
}

inline std::string welcome(bool resumed = true, const std::string& acked_json = "[]", const std::string& token = "tok") {
  return std::string(R"({"type":"welcome","session_id":"conv-1","resume_token":")") + token +
         R"(","resumed":)" + (resumed ? "true" : "false") + R"(,"replaced":false,"acked":)" + acked_json +
         R"(,"event_seq":0,"heartbeat_ms":15000})";
}
inline std::string ack(const std::string& id) { return R"({"type":"ack","message_id":")" + id + "\"}"; }
inline std::string event(uint64_t seq, const std::string& reply_to, const std::string& name, const std::string& data) {
  return R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"reply_to":")" + reply_to + R"(","event":")" + name +
         R"(","data":)" + data + "}";
}

// The conn_id of the newest WsConnect.
inline uint32_t last_conn(const Harness& h) {
  auto c = h.all_of<WsConnect>();
  return c.empty() ? 0 : c.back().conn_id;
}

// Wants the session and takes it to Live on a fresh socket.
inline uint32_t go_live(Harness& h, bool resumed = true) {
  h.feed(SessionWanted{});
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome(resumed)});
  return id;
}

inline std::vector<std::string> sent_frames(const Harness& h, const std::string& type) {
  std::vector<std::string> out;
  for (const auto& s : h.all_of<WsSend>())
    if (s.text.find("\"type\":\"" + type + "\"") != std::string::npos) out.push_back(s.text);
  return out;
}

}  // namespace natter::testing
