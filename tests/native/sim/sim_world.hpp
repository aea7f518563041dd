// One seeded world: a Client, a SimServer and the network between them on a
// single fake clock. Faults come from the seed (drops, half-open sockets,
// latency spikes, duplicated frames, reordered events, server restarts,
// offline/online flips, hidden tabs with late timers, sleep, sockets that
// connect and drop at once, floods of sends during long outages, another
// tab taking the session (4000 replaced:tab), an update required (4001,
// then a reload), page reloads restoring what the client persisted, and,
// in token worlds, refused tokens (4003) and short-lived ones to refresh;
// in voice worlds, calls started and ended by the shopper across all of it,
// with microphone answers, speech and the agent's greeting, and in half of
// them WebRTC offered: the voice ladder's peer connections, their paths
// dying, returning, never opening, and network changes (sim_ladder.cpp);
// in staff worlds,
// a person from the shop asked for, taking over, answering and handing back).
// The seed also picks the world's kind (SimWorld::kind()): the server's
// idempotency store (durable or forgetting, sim_server.hpp), whether the
// heal is signalled by the browser or left to the client's timers, and
// whether a shop token is required. Invariants are checked after every
// step; the first violation is kept, tagged with the invariant's name
// (S1..S7, L1..L4 of docs/reliability.md; V1..V5 for voice calls,
// sim_voice.cpp; R1..R7 for the voice ladder's rungs, sim_ladder.cpp; H1..H3 for a person stepping in, sim_staff.cpp), with the
// seed and the trace so it replays.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "client.hpp"
#include "boundary/codec.hpp"
#include "sim_server.hpp"

namespace natter::sim {

struct SimOptions {
  uint32_t canaries = 0;
  int steps = 60;                  // fault/user steps before healing
  int64_t heal_bound_ms = 1000;    // live this soon after the browser signals the heal (L2)
  // With no browser signal, the client's timers alone must get it live this
  // soon after the liveness phase: the 30 s back-off ceiling (or the 30 s
  // offline safety net) plus a connect's round trips.
  int64_t timer_heal_bound_ms = 31000;
  // After faults stop, a half-open socket must be found by the client's own
  // liveness check (dead after 2 heartbeats - 1/3 = 25 s of silence) within this.
  int64_t liveness_bound_ms = 26000;
  bool full_trace = false;         // keep every line (debugging one seed)
  bool trace = true;               // off: no trace at all (fast; a failing seed is replayed with it)
  bool single_page = false;        // no reloads (a transcript replays into one Client)
};

// What a seed's world is made of (bits of the seed, so each kind is covered
// by a quarter of the seeds or more and a failure names its kind).
struct WorldKind {
  bool durable_store;   // seed bit 0: idempotency records outlive restarts
  bool signalled_heal;  // seed bit 1: the browser says online/visible at the heal
  bool tokens;          // seed bit 2: the shop requires a token
  bool voice;           // seed bit 4: the shopper makes voice calls (bit 3 is left
                        // alone so the recorded seed 42 stays a text-only world)
  bool staff;           // seed bit 6: a person from the shop steps in (seed 42: not)
  bool rtc;             // voice worlds with seed bit 5 clear: the browser and the gateway
                        // offer WebRTC (the rest stay on plain WebSocket calls). Staff
                        // worlds too, since S1/S3 count held messages right (seeds 597,
                        // 2905, 5843: a 0 run count made by map[], and a held message
                        // the agent answers after a fresh session).
  static WorldKind of(uint32_t seed) {
    const bool voice = (seed & 16) != 0, staff = (seed & 64) != 0;
    return {(seed & 1) != 0, (seed & 2) != 0, (seed & 4) != 0, voice, staff, voice && (seed & 32) == 0};
  }
  std::string name() const;
};

class SimWorld {
 public:
  SimWorld(uint32_t seed, SimOptions opt);

  // Runs the schedule, heals, and checks convergence. Returns false on the
  // first violated invariant (see failure()).
  bool run();
  const std::string& failure() const { return failure_; }
  // The invariant that failed first ("S1", "L2", ...), empty when none did.
  const std::string& failed_invariant() const { return failed_invariant_; }
  const WorldKind& kind() const { return kind_; }
  int64_t simulated_ms() const { return now_; }
  int outbox_refusals() const { return outbox_refusals_; }
  const SimServer& server() const { return server_; }
  // What the voice schedule reached (voice worlds): calls started, calls
  // reopened on a later socket (carried across a reconnect), calls still up
  // and checked by V5 at the end, first microphone requests refused.
  struct VoiceFigures {
    int calls = 0, carried_across_reconnects = 0, up_at_the_end = 0, mic_denied = 0;
  };
  const VoiceFigures& voice_figures() const { return voice_figures_; }
  // What the voice ladder went through (WebRTC worlds): rung changes (onto
  // a channel, back to the WebSocket), peer connections opened (the first
  // try of each call and every retry), server restarts during WebRTC worlds,
  // uplink frames that reached the agent on each path; ICE restarts asked
  // (RtcRestart), those that put the call back on the same peer
  // connection's channel, and those given up for a new one.
  struct LadderFigures {
    int rung_changes = 0, onto_channel = 0, back_to_websocket = 0, peer_connections = 0, retries = 0,
        server_restarts = 0, frames_rtc = 0, frames_websocket = 0, ice_restarts = 0, ice_restarts_reopened = 0,
        ice_restarts_given_up = 0;
  };
  const LadderFigures& ladder_figures() const { return ladder_figures_; }
  // What the staff schedule reached (staff worlds): takeovers, staff replies
  // logged, shopper messages held for a person.
  struct StaffFigures {
    int takeovers = 0, staff_replies = 0, held = 0, hand_backs = 0;
  };
  StaffFigures staff_figures() const;
  std::string trace_tail() const;  // the last effects/events, for replay reports
  const std::vector<std::string>& trace() const { return trace_; }

 private:
  struct Pending {  // something the network or a timer delivers later
    int64_t at;
    uint64_t order;
    std::function<void()> fire;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  struct Socket {
    bool server_side = false;     // the server accepted it
    bool client_open = false;     // the client saw WsOpened
    bool client_closed = false;   // the client asked to close it
    bool dead = false;            // closed at the network level
    bool half_open = false;       // frames vanish, nobody is told
    bool welcomed = false;
    int64_t welcomed_at = -1;
    bool counted = false;         // already counted in the quick-drop streak
    int64_t to_client_at = 0;     // TCP keeps order: a frame never overtakes the one before
    int64_t to_server_at = 0;
    int64_t held_until = 0;       // the last delayed (reordered) event's arrival: non-events wait for it
  };

  // Something of this page (its sockets, its fetches): a reload drops it.
  void at(int64_t t, std::function<void()> fn) {
    queue_.push(Pending{t, order_++, [this, page = page_, fn = std::move(fn)] { if (page == page_) fn(); }});
  }
  // Something of the world (the network, the server, the tab).
  void at_world(int64_t t, std::function<void()> fn) { queue_.push(Pending{t, order_++, std::move(fn)}); }
  int64_t latency();
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void feed(const Event& e);
  void carry_out(const Effect& e);
  void connect(uint32_t conn);
  void kill(uint32_t conn, int code, bool tell_client, const std::string& reason = "");
  void reload_page();
  void flood_during_outage();
  void answer_token(uint32_t request_id);
  void watch_effect(const Effect& e);
  std::string session_id() const { return client_->conversation_id(); }
  bool working_live() const;
  void socket_ended(uint32_t conn);
  void to_client(uint32_t conn, const std::string& frame);
  void fault_step();
  void advance_to(int64_t t);
  bool check(bool cond, const char* invariant, const std::string& what);
  bool invariants();
  bool converged();
  // Voice calls (sim_voice.cpp): the shopper's actions, what the host does
  // for the core's voice effects, and the voice invariants V1..V5.
  int vpick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(voice_rng_); }
  void voice_step();
  void start_call();
  void carry_out_voice(const Effect& e);
  void watch_voice_frame(uint32_t conn, const std::string& frame);
  bool voice_converged();
  // The voice ladder (sim_ladder.cpp): the host's peer connections and
  // uplink frames, the WebRTC faults, and the ladder invariants R1..R7.
  int rpick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rtc_rng_); }
  void before_feed_voice(const Event& e);
  void send_mic_frame();
  void carry_out_rtc(const Effect& e);
  void rtc_fault_step();
  void path_returns();
  struct PeerSeen;
  PeerSeen peer(uint32_t pc_id) const;
  void rtc_faults_stop();
  bool ladder_converged();
  // A person from the shop (sim_staff.cpp): their steps and H1..H3.
  int spick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(staff_rng_); }
  void staff_step();
  void watch_staff_effect(const Effect& e);
  bool staff_converged();

  std::mt19937 rng_;
  SimOptions opt_;
  WorldKind kind_;
  uint32_t seed_;
  std::unique_ptr<Client> client_;
  int page_ = 0;                  // page loads so far (a reload starts a new Client)
  std::string persisted_;         // the last Persist value: what a reload restores
  SimServer server_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  uint64_t order_ = 0;
  int64_t now_ = 0;
  std::map<uint32_t, Socket> sockets_;
  bool network_up_ = true, server_up_ = true, visible_ = true;
  int64_t timers_late_ms_ = 0;    // hidden tab: timers fire this late
  int64_t extra_latency_ms_ = 0;  // a latency spike
  int duplicate_next_ = 0, reorder_next_ = 0, quick_close_next_ = 0;
  int next_text_ = 0;
  std::vector<std::string> accepted_;              // message ids the UI accepted, in order
  std::map<std::string, int> replies_done_;        // reply_to -> done updates on this page
  std::set<std::string> done_ever_;                // reply_to of every finished reply, on any page
  std::map<std::string, std::string> reply_text_;  // reply_to -> the text the client assembled
  std::map<std::string, std::string> sent_text_;   // message id -> text, as the UI accepted it
  int outbox_refusals_ = 0;
  bool refused_now_ = false;      // the last fed event was refused with outbox_full
  bool notice_now_ = false;       // the last fed event showed the fresh-session notice
  bool use_here_when_offered_ = false;  // the shopper meant to press "Use here" before it showed
  int tokens_issued_ = 0;
  bool token_for_signal_ = false;  // the token on its way was asked for by a signalled attempt
  int refusals_since_stable_ = 0; // 4003 closes since the client was last live for 5 s
  int64_t live_since_ = -1;
  std::vector<int64_t> connect_times_;
  int64_t last_signal_at_ = -1;   // online / visible / wanted / a token refusal fed at this time
  int64_t client_lost_at_ = -1;   // the client last heard its current socket close
  int quick_drop_streak_ = 0;     // welcomed sockets that died within 2 s, in a row
  // Voice worlds draw their own randomness, so text-only worlds keep their schedules.
  std::mt19937 voice_rng_;
  struct CallSeen {
    bool wanted = false;          // started by the shopper and not ended by them
    bool ended_by_shopper = false;
    bool mic_denied = false;      // the first microphone request was refused
    int mic_requests = 0;
    bool greeting_heard = false;  // voice.agent start of utterance 1 reached the core
    std::string call_id;          // from the core's voice.start frames
    std::set<uint32_t> opened_on; // the sockets the call's voice.start went out on
    uint32_t started_on = 0;      // the socket whose voice.started the core got (0: none open)
    std::string state = "off";    // the last VoiceStateChanged
    bool uplink_open = false;
    uint32_t uplink_conn = 0;
    uint32_t frames_sent = 0;     // the microphone frames' seq (per call)
    bool rtc_offered = false;     // the last voice.started said rtc: true
    int64_t live_at = -1;         // when that voice.started reached the core
    uint32_t pcs_opened = 0;      // RtcOpen effects in this call
  } call_;
  // The host's WebRTC side (WebRTC worlds), drawn from its own randomness.
  std::mt19937 rtc_rng_;
  struct PeerSeen {
    bool open = false;  // RtcChannelOpen was fed
    bool gone = false;  // closed by the core, failed, or closed by the gateway (as the core saw it)
    bool failed = false; // the browser is reporting it failed (RtcFailed on its way)
  };
  struct RtcSeen {
    bool path_up = true;                // the WebRTC path carries packets (else: pongs stop, nothing opens)
    bool setup_stalls = false;          // answers never lead to an open channel
    std::map<uint32_t, PeerSeen> pcs;   // this page's peer connections
    std::string via = "websocket";      // the latest VoiceRoute (as shim/voice/voice-effects.js keeps it)
    uint32_t route_pc = 0;
    std::string rung;
    int64_t last_frame_at = -1;
    int64_t stopped_at = -1;            // faults stopped (then the convergence bounds run)
    bool dead_after_stop = false;       // the path stays dead once faults stop
    Ladder ladder_before = Ladder::Off; // the ladder's state before the event being fed
    bool rtc_event = false;             // that event is a WebRTC one (host or gateway)
  } rtc_;
  LadderFigures ladder_figures_;
  VoiceFigures voice_figures_;
  std::mt19937 staff_rng_;
  int staff_messages_ = 0;                      // staff message ids minted
  StaffFigures staff_figures_;
  std::vector<std::string> trace_;
  std::string failure_;
  std::string failed_invariant_;
};

}  // namespace natter::sim
