// The simulated reference server: the live-session semantics of
// docs/protocol.md, small enough to check by eye. Sessions (resume windows,
// event logs) live in memory and die with a restart; idempotency records
// (message id -> reply) are durable, as a real deployment keeps them 24 h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace natter::sim {

class SimServer {
 public:
  static constexpr int64_t kResumeWindowMs = 120000;

  // Where frames and closes for a connection go (the network delivers them).
  std::function<void(uint32_t conn, const std::string& frame)> send;
  std::function<void(uint32_t conn, int code, const std::string& reason)> close;

  // Violations the server can see, described for the failing seed's report.
  std::vector<std::string> violations;
  std::map<std::string, int> agent_runs;        // message id -> runs
  std::map<std::string, int> runs_per_text;     // text -> runs (a new id on retry shows here)
  std::vector<std::string> turn_order;          // message ids in the order they were first run
  int replacements = 0;

  void open(uint32_t conn) { attached_.insert(conn); }

  void closed(uint32_t conn, int64_t now) {
    attached_.erase(conn);
    helloed_.erase(conn);
    for (auto& [id, s] : sessions_)
      if (s.conn == conn) {
        s.conn = 0;
        s.closed_at = now;
      }
  }

  // A restart: every connection dropped, sessions forgotten, records kept.
  void restart() {
    for (uint32_t c : std::set<uint32_t>(attached_)) close(c, 1001, "restart");
    attached_.clear();
    helloed_.clear();
    sessions_.clear();
  }

  // Connections of one session the server treats as current (S4: at most 1).
  size_t current_connections(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return (it != sessions_.end() && it->second.conn && attached_.count(it->second.conn)) ? 1 : 0;
  }

  void frame(uint32_t conn, const std::string& text, int64_t now);

 private:
  struct Session {
    std::string token;
    uint32_t conn = 0;
    int64_t closed_at = -1;
    std::vector<std::string> log;      // event frames, index = seq - 1
    std::set<std::string> acked;       // message ids this session acked
    std::set<std::string> replied;     // message ids whose reply is in `log`
  };
  struct Record {
    std::string text;
    std::vector<std::pair<std::string, std::string>> reply;  // (event, data json)
  };

  void hello(uint32_t conn, const nlohmann::json& j, int64_t now);
  void msg(uint32_t conn, const nlohmann::json& j);
  void append_reply(Session& s, const std::string& id, const Record& r);

  std::set<uint32_t> attached_;
  std::map<uint32_t, std::string> helloed_;  // conn -> session id
  std::map<std::string, Session> sessions_;
  std::map<std::string, Record> records_;    // durable
  int tokens_ = 0;
};

inline void SimServer::frame(uint32_t conn, const std::string& text, int64_t now) {
  if (!attached_.count(conn)) return;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type")) {
    violations.push_back("client sent a malformed frame: " + text);
    return;
  }
  const std::string type = j["type"].get<std::string>();
  if (type == "hello") return hello(conn, j, now);
  if (!helloed_.count(conn)) {
    violations.push_back("client sent '" + type + "' before its hello was welcomed");
    return;
  }
  if (type == "msg") return msg(conn, j);
  if (type == "ping") send(conn, R"({"type":"pong","t":0})");
}

inline void SimServer::hello(uint32_t conn, const nlohmann::json& j, int64_t now) {
  const std::string id = j["session_id"].get<std::string>();
  Session& s = sessions_[id];
  const bool known = !s.token.empty();
  const bool within_window = s.conn != 0 || s.closed_at < 0 || now - s.closed_at <= kResumeWindowMs;
  const bool resumed = known && within_window && j["resume_token"].get<std::string>() == s.token;
  bool replaced = false;
  if (s.conn && s.conn != conn && attached_.count(s.conn)) {
    ++replacements;
    replaced = true;
    const uint32_t old = s.conn;
    attached_.erase(old);
    helloed_.erase(old);
    close(old, 4000, "replaced");
  }
  if (!resumed) s = Session{};
  s.token = "t" + std::to_string(++tokens_);
  s.conn = conn;
  s.closed_at = -1;
  helloed_[conn] = id;
  nlohmann::json acked = nlohmann::json::array();
  for (const auto& a : s.acked) acked.push_back(a);
  send(conn, nlohmann::json{{"type", "welcome"}, {"session_id", id}, {"resume_token", s.token},
                            {"resumed", resumed}, {"replaced", replaced}, {"acked", acked},
                            {"event_seq", s.log.size()}, {"heartbeat_ms", 15000}}.dump());
  const uint64_t last = j["last_event_seq"].get<uint64_t>();
  for (uint64_t seq = last + 1; seq <= s.log.size(); ++seq) send(conn, s.log[seq - 1]);
}

inline void SimServer::msg(uint32_t conn, const nlohmann::json& j) {
  Session& s = sessions_[helloed_[conn]];
  const std::string id = j["message_id"].get<std::string>();
  const std::string text = j["text"].get<std::string>();
  s.acked.insert(id);
  send(conn, nlohmann::json{{"type", "ack"}, {"message_id", id}}.dump());
  auto rec = records_.find(id);
  if (rec == records_.end()) {  // first time: run the agent
    ++agent_runs[id];
    ++runs_per_text[text];
    turn_order.push_back(id);
    Record r{text, {{"start", R"({"reply_id":"r"})"}, {"delta", nlohmann::json{{"text", "Re: " + text}}.dump()}, {"done", "{}"}}};
    rec = records_.emplace(id, r).first;
  } else if (rec->second.text != text) {
    violations.push_back("message " + id + " re-sent with different text");
    return;
  }
  if (!s.replied.count(id)) append_reply(s, id, rec->second);
}

inline void SimServer::append_reply(Session& s, const std::string& id, const Record& r) {
  s.replied.insert(id);
  for (const auto& [event, data] : r.reply) {
    const uint64_t seq = s.log.size() + 1;
    s.log.push_back(R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"reply_to":")" + id +
                    R"(","event":")" + event + R"(","data":)" + data + "}");
    if (s.conn && attached_.count(s.conn)) send(s.conn, s.log.back());
  }
}

}  // namespace natter::sim
