// The simulated reference server: the live-session semantics of
// docs/protocol.md, small enough to check by eye. Sessions (resume windows,
// event logs) live in memory and die with a restart. Idempotency records
// (message id -> reply) come in the gateway's two kinds of store:
//  - forgetting (durable = false): the in-memory store of the reference
//    server; a restart forgets them, so a re-sent message runs once more
//    in the next lifetime. It promises once per id per lifetime, and a
//    fresh session (with the client's notice) after a restart.
//  - durable: a store that outlives the process (the Redis store); it
//    promises exactly once per id across restarts.
// With require_token set, a hello must carry a token of the current
// generation (revoke_tokens() makes every earlier one refused with 4003).
// Voice (docs/protocol.md, "Voice"): voice.start opens the call's audio on
// the connection and is answered voice.started; the greeting (utterance 1,
// its start and end at once: audio itself is not modelled) is spoken when
// the client asks for it and the session has not greeted this call yet;
// voice.end is answered voice.closed. Call state lives with the session.
// WebRTC (docs/protocol.md, "Voice over WebRTC"), with offer_rtc set and a
// hello whose features name "rtc": voice.started says rtc: true, a
// voice.rtc_request is answered with ice servers, an offer with an answer
// (the call's peer connection is then that pc_id), voice.rtc_close drops
// it; close_rtc() is the gateway closing it (voice.rtc_closed). Uplink
// frames (uplink_frame) are recorded per call and seq with their path.
// Handoff (docs/protocol.md, "Handoff to a person"): who controls the
// conversation lives with the session (ai | waiting | person) and every
// change is a `control` event in its log; while it is not ai a new message
// is acked and held for staff, never run; staff replies are logged once per
// staff message id (a retried POST changes nothing) with their author.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
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
  std::map<std::string, int> runs_this_life;    // message id -> runs since the last restart
  std::map<std::string, int> text_runs_this_life;
  std::map<std::string, std::string> reply_text; // message id -> the reply text the agent wrote
  std::vector<std::string> turn_order;          // message ids in the order they were first run
  int replacements = 0;
  int restarts = 0;
  bool durable = true;
  bool require_token = false;
  int token_generation = 0;                     // tokens "tok-<generation>-<n>" older than this are refused
  bool multi_delta = true;                      // replies stream in several deltas

  void revoke_tokens() { ++token_generation; }

  void open(uint32_t conn) { attached_.insert(conn); }

  void closed(uint32_t conn, int64_t now) {
    attached_.erase(conn);
    helloed_.erase(conn);
    rtc_conns_.erase(conn);
    for (auto& [id, s] : sessions_) {
      if (s.conn == conn) {
        s.conn = 0;
        s.closed_at = now;
      }
      if (s.voice_conn == conn) s.rtc_pc = 0;  // losing the socket closes the call's peer connection
    }
  }

  // A restart: every connection dropped, sessions forgotten; records kept
  // only by a durable store.
  void restart() {
    for (uint32_t c : std::set<uint32_t>(attached_)) close(c, 1001, "restart");
    attached_.clear();
    helloed_.clear();
    rtc_conns_.clear();
    sessions_.clear();
    runs_this_life.clear();
    text_runs_this_life.clear();
    if (!durable) records_.clear();
    ++restarts;
  }

  // Another tab of the same shopper takes the session over: the current
  // connection is closed with 4000 "replaced:tab" and the session is held.
  void replace_by_other_tab(const std::string& session_id) { close_current(session_id, 4000, "replaced:tab"); }
  // A new release the client must reload for.
  void require_update(const std::string& session_id) { close_current(session_id, 4001, "update_required"); }

  // Connections the server treats as current for one session (S4 on the
  // server: at most 1): welcomed, still attached, naming this session.
  size_t current_connections(const std::string& session_id) const {
    size_t n = 0;
    for (const auto& [conn, id] : helloed_) n += id == session_id && attached_.count(conn);
    return n;
  }
  // The connection the session is attached to (0: none).
  uint32_t session_conn(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return it == sessions_.end() || !attached_.count(it->second.conn) ? 0 : it->second.conn;
  }
  // Welcomes that could not resume a session the client named with a token.
  int fresh_after_token = 0;
  // Hellos that resumed with the previous token (the newer welcome was lost).
  int resumed_with_previous_token = 0;
  // Voice: voice.start frames per call id, and greetings spoken per call id.
  std::map<std::string, int> voice_starts;
  std::map<std::string, int> greetings;
  // WebRTC: offered to hellos with "rtc"; the session's peer connection for its call.
  bool offer_rtc = false;
  uint32_t rtc_pc(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return it == sessions_.end() || !attached_.count(it->second.voice_conn) ? 0 : it->second.rtc_pc;
  }
  const std::string& call_of(const std::string& session_id) const {
    static const std::string none;
    auto it = sessions_.find(session_id);
    return it == sessions_.end() ? none : it->second.call_id;
  }
  // The gateway closes the call's peer connection (voice.rtc_closed).
  void close_rtc(const std::string& session_id, const std::string& reason) {
    auto it = sessions_.find(session_id);
    if (it == sessions_.end() || !it->second.rtc_pc || !attached_.count(it->second.voice_conn)) return;
    Session& s = it->second;
    send(s.voice_conn, nlohmann::json{{"type", "voice.rtc_closed"}, {"call_id", s.call_id}, {"pc_id", s.rtc_pc}, {"reason", reason}}.dump());
    s.rtc_pc = 0;
  }
  // One uplink frame reached the agent on `path` ('w' websocket, 'r' rtc);
  // false if this call's seq had already arrived (on either path).
  bool uplink_frame(const std::string& call_id, uint32_t seq, char path) {
    auto& got = uplink_paths[call_id];
    if (got.size() <= seq) got.resize(seq + 64, 0);
    if (got[seq]) return false;
    got[seq] = path;
    return true;
  }
  std::map<std::string, std::vector<char>> uplink_paths;  // call id -> seq -> path (0: not received)
  int rtc_answers = 0;
  // Handoff: the staff steps (each a no-op where the table has no such step).
  void take(const std::string& session_id, const std::string& name);
  void staff_reply(const std::string& session_id, const std::string& staff_id, const std::string& text);
  void hand_back(const std::string& session_id);
  bool handoff = false;                        // the welcome says who controls the conversation
  bool staff_online = true;                    // else handoff.request is answered `unavailable`
  std::set<std::string> held;                  // message ids held for staff (never run by the agent)
  std::map<std::string, std::string> staff_text;  // "staff-<id>" -> the text staff sent
  // Who controls the session's conversation ("ai" for a session the server does not hold).
  std::string control(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return it == sessions_.end() ? "ai" : it->second.control;
  }
  // The "staff-<id>" replies in the session's current log.
  std::vector<std::string> staff_replies(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return it == sessions_.end() ? std::vector<std::string>{} : it->second.staff;
  }
  // The connection a session's call audio was last (re)opened on (0: none).
  uint32_t voice_conn(const std::string& session_id) const {
    auto it = sessions_.find(session_id);
    return it == sessions_.end() || !attached_.count(it->second.voice_conn) ? 0 : it->second.voice_conn;
  }

  void frame(uint32_t conn, const std::string& text, int64_t now);

 private:
  struct Session {
    std::string token;       // the resume token of the last welcome
    std::string prev_token;  // the one it replaced: good for one more hello (a welcome lost on the way)
    uint32_t conn = 0;
    int64_t closed_at = -1;
    std::vector<std::string> log;      // event frames, index = seq - 1
    std::set<std::string> acked;       // message ids this session acked
    std::set<std::string> replied;     // message ids whose reply is in `log`
    std::string call_id;               // the voice call this session carries ("": none)
    bool greeted = false;              // its greeting was spoken
    uint32_t voice_conn = 0;           // the connection its audio is open on
    uint32_t rtc_pc = 0;               // the call's peer connection (0: none)
    std::string control = "ai";        // who controls the conversation
    std::vector<std::string> staff;    // "staff-<id>" replies logged in this session
    std::set<std::string> held;        // messages kept for staff (a `held` event each)
  };
  struct Record {
    std::string text;
    std::vector<std::pair<std::string, std::string>> reply;  // (event, data json)
  };

  void hello(uint32_t conn, const nlohmann::json& j, int64_t now);
  void msg(uint32_t conn, const nlohmann::json& j);
  void voice(uint32_t conn, const std::string& type, const nlohmann::json& j);
  void append_reply(Session& s, const std::string& id, const Record& r);
  void append_event(Session& s, const std::string& reply_to, const std::string& event, const std::string& data);
  void set_control(Session& s, const std::string& state, const std::string& name);
  void close_current(const std::string& session_id, int code, const std::string& reason) {
    // The session is held (its resume window starts): the shopper may come
    // back with "Use here" or a reload.
    if (const uint32_t conn = session_conn(session_id)) close(conn, code, reason);
  }
  bool token_ok(const nlohmann::json& j) const {
    if (!require_token) return true;
    if (!j.contains("auth") || !j["auth"].is_string()) return false;
    const std::string t = j["auth"].get<std::string>();
    if (t.rfind("tok-", 0) != 0) return false;
    return std::atoi(t.c_str() + 4) >= token_generation;
  }

  std::set<uint32_t> attached_;
  std::map<uint32_t, std::string> helloed_;  // conn -> session id
  std::set<uint32_t> rtc_conns_;             // connections whose hello offered "rtc"
  std::map<std::string, Session> sessions_;
  std::map<std::string, Record> records_;    // the idempotency store
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
  if (type.rfind("voice.", 0) == 0) return voice(conn, type, j);
  if (type == "handoff.request") {
    Session& s = sessions_[helloed_[conn]];
    if (s.control != "ai") return;  // the gateway answers error handoff_refused: nothing changes
    if (!staff_online) return append_event(s, "control", "control", R"({"state":"unavailable","ask":"email"})");
    return set_control(s, "waiting", "");
  }
  if (type == "ping") send(conn, R"({"type":"pong","t":0})");
}

inline void SimServer::hello(uint32_t conn, const nlohmann::json& j, int64_t now) {
  if (!token_ok(j)) {
    attached_.erase(conn);
    close(conn, 4003, "auth");
    return;
  }
  const std::string id = j["session_id"].get<std::string>();
  Session& s = sessions_[id];
  const bool known = !s.token.empty();
  const bool within_window = s.conn != 0 || s.closed_at < 0 || now - s.closed_at <= kResumeWindowMs;
  // As the gateway (store/README.md, resumeSession with rotate): the token of
  // the last welcome, or the one before it, proves the session; each hello
  // rotates, so the one before that is void.
  const std::string presented = j["resume_token"].get<std::string>();
  const bool proves = !presented.empty() && (presented == s.token || presented == s.prev_token);
  const bool resumed = known && within_window && proves;
  if (resumed && presented == s.prev_token) ++resumed_with_previous_token;
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
  if (!resumed && !presented.empty()) ++fresh_after_token;
  s.prev_token = s.token;
  s.token = "t" + std::to_string(++tokens_);
  s.conn = conn;
  s.closed_at = -1;
  helloed_[conn] = id;
  const auto features = j.find("features");
  if (features != j.end() && features->is_array() && std::count(features->begin(), features->end(), "rtc")) rtc_conns_.insert(conn);
  nlohmann::json acked = nlohmann::json::array();
  for (const auto& a : s.acked) acked.push_back(a);
  nlohmann::json welcome = {{"type", "welcome"}, {"session_id", id}, {"resume_token", s.token},
                            {"resumed", resumed}, {"replaced", replaced}, {"acked", acked},
                            {"event_seq", s.log.size()}, {"heartbeat_ms", 15000}};
  if (handoff) {  // as the gateway tells a widget with features [handoff]
    welcome["control"] = {{"state", s.control}};
    if (s.control == "person") welcome["control"]["by"] = {{"name", "Ana"}};
  }
  send(conn, welcome.dump());
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
  if (s.control != "ai" && !s.replied.count(id)) {  // a person has (or was asked for) the chat
    held.insert(id);
    if (s.held.insert(id).second) append_event(s, id, "held", "{}");
    return;
  }
  if (rec == records_.end()) {  // first time: run the agent
    ++agent_runs[id];
    ++runs_per_text[text];
    ++runs_this_life[id];
    ++text_runs_this_life[text];
    turn_order.push_back(id);
    reply_text[id] = "Re: " + text;
    Record r{text, {{"start", R"({"reply_id":"r"})"}}};
    if (multi_delta) {  // the client must join the pieces in order, once each
      r.reply.emplace_back("delta", nlohmann::json{{"text", "Re: "}}.dump());
      r.reply.emplace_back("delta", nlohmann::json{{"text", text}}.dump());
    } else {
      r.reply.emplace_back("delta", nlohmann::json{{"text", "Re: " + text}}.dump());
    }
    r.reply.emplace_back("done", "{}");
    rec = records_.emplace(id, r).first;
  } else if (rec->second.text != text) {
    violations.push_back("message " + id + " re-sent with different text");
    return;
  }
  if (!s.replied.count(id)) append_reply(s, id, rec->second);
}

inline void SimServer::append_reply(Session& s, const std::string& id, const Record& r) {
  s.replied.insert(id);
  for (const auto& [event, data] : r.reply) append_event(s, id, event, data);
}

inline void SimServer::append_event(Session& s, const std::string& reply_to, const std::string& event,
                                    const std::string& data) {
  const uint64_t seq = s.log.size() + 1;
  s.log.push_back(R"({"type":"event","seq":)" + std::to_string(seq) + R"(,"reply_to":")" + reply_to +
                  R"(","event":")" + event + R"(","data":)" + data + "}");
  if (s.conn && attached_.count(s.conn)) send(s.conn, s.log.back());
}

inline void SimServer::set_control(Session& s, const std::string& state, const std::string& name) {
  s.control = state;
  nlohmann::json d = {{"state", state}};
  if (state == "waiting") d["position"] = 1;
  if (!name.empty()) d["by"] = {{"name", name}};
  append_event(s, "control", "control", d.dump());
}

inline void SimServer::take(const std::string& session_id, const std::string& name) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.token.empty() || it->second.control == "person") return;
  set_control(it->second, "person", name);
}

inline void SimServer::staff_reply(const std::string& session_id, const std::string& staff_id, const std::string& text) {
  auto it = sessions_.find(session_id);
  const std::string reply_to = "staff-" + staff_id;
  if (it == sessions_.end() || it->second.control != "person") return;  // 409 not_in_control
  Session& s = it->second;
  if (std::find(s.staff.begin(), s.staff.end(), reply_to) != s.staff.end()) return;  // a retried POST
  s.staff.push_back(reply_to);
  staff_text[reply_to] = text;
  append_event(s, reply_to, "start", R"({"reply_id":"s","author":{"kind":"staff","name":"Ana"}})");
  append_event(s, reply_to, "delta", nlohmann::json{{"text", text}}.dump());
  append_event(s, reply_to, "done", "{}");
}

inline void SimServer::hand_back(const std::string& session_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.control == "ai") return;
  set_control(it->second, "ai", it->second.control == "person" ? "Ana" : "");
}

}  // namespace natter::sim

namespace natter::sim {

inline void SimServer::voice(uint32_t conn, const std::string& type, const nlohmann::json& j) {
  Session& s = sessions_[helloed_[conn]];
  const std::string call = j.value("call_id", "");
  if (call.empty()) {
    violations.push_back("'" + type + "' without a call_id");
    return;
  }
  auto say = [&](nlohmann::json f) {
    f["call_id"] = call;
    send(conn, f.dump());
  };
  if (type == "voice.start") {
    ++voice_starts[call];
    if (s.call_id != call) {  // another call replaces the last one
      s.call_id = call;
      s.greeted = false;
    }
    s.voice_conn = conn;
    s.rtc_pc = 0;
    nlohmann::json started = {{"type", "voice.started"}, {"rate", 48000}, {"frame_ms", 20}};
    if (offer_rtc && rtc_conns_.count(conn)) started["rtc"] = true;
    say(started);
    if (j.value("greeting", false) && !s.greeted) {
      s.greeted = true;
      ++greetings[call];
      say({{"type", "voice.agent"}, {"state", "start"}, {"utterance", 1}, {"text", "Hi, welcome"}});
      say({{"type", "voice.agent"}, {"state", "end"}, {"utterance", 1}, {"reason", "done"}});
    }
  } else if (type == "voice.end") {
    if (s.call_id == call) s.voice_conn = 0, s.rtc_pc = 0;
    say({{"type", "voice.closed"}});
  } else if (type == "voice.rtc_request") {
    if (s.call_id != call || !offer_rtc) return;
    say({{"type", "voice.rtc_config"},
         {"ice_servers", {{{"urls", {"turn:turn.sim.test:3478?transport=udp", "turns:turn.sim.test:443?transport=tcp"}},
                           {"username", "1795000000:" + call}, {"credential", "c2lt"}}}}});
  } else if (type == "voice.rtc_offer") {
    if (s.call_id != call || !offer_rtc) return;
    s.rtc_pc = j.value("pc_id", 0u);  // a new offer replaces the call's previous peer connection
    ++rtc_answers;
    say({{"type", "voice.rtc_answer"}, {"pc_id", s.rtc_pc}, {"sdp", "v=0 sim answer"}});
  } else if (type == "voice.rtc_close") {
    if (s.call_id == call && s.rtc_pc == j.value("pc_id", 0u)) s.rtc_pc = 0;
  } else if (type != "voice.barge_in") {
    violations.push_back("unknown voice frame '" + type + "'");
  }
}

}  // namespace natter::sim
