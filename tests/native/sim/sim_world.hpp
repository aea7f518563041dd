// One seeded world: a Client, a SimServer and the network between them on a
// single fake clock. Faults come from the seed (drops, half-open sockets,
// latency spikes, duplicated and reordered frames, server restarts,
// offline/online flips, hidden tabs with late timers, sleep, sockets that
// connect and drop at once). Invariants are checked after every step; the
// first violation is kept with the seed and the trace so it replays.
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
#include "codec.hpp"
#include "sim_server.hpp"

namespace natter::sim {

struct SimOptions {
  uint32_t canaries = 0;
  int steps = 60;                  // fault/user steps before healing
  int64_t heal_bound_ms = 1000;    // live this soon after the browser signals the heal (L2)
  bool full_trace = false;         // keep every line (debugging one seed)
};

class SimWorld {
 public:
  SimWorld(uint32_t seed, SimOptions opt);

  // Runs the schedule, heals, and checks convergence. Returns false on the
  // first violated invariant (see failure()).
  bool run();
  const std::string& failure() const { return failure_; }
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
  };

  void at(int64_t t, std::function<void()> fn) { queue_.push(Pending{t, order_++, std::move(fn)}); }
  int64_t latency();
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void feed(const Event& e);
  void carry_out(const Effect& e);
  void connect(uint32_t conn);
  void kill(uint32_t conn, int code, bool tell_client);
  void socket_ended(uint32_t conn);
  void to_client(uint32_t conn, const std::string& frame);
  void fault_step();
  void advance_to(int64_t t);
  bool check(bool cond, const std::string& what);
  bool invariants();
  bool converged();

  std::mt19937 rng_;
  SimOptions opt_;
  Client client_;
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
  std::map<std::string, int> replies_done_;        // reply_to -> done updates
  std::vector<int64_t> connect_times_;
  int64_t last_signal_at_ = -1;   // online / visible / wanted fed at this time
  int64_t client_lost_at_ = -1;   // the client last heard its current socket close
  int quick_drop_streak_ = 0;     // welcomed sockets that died within 2 s, in a row
  std::vector<std::string> trace_;
  std::string failure_;
};

}  // namespace natter::sim
