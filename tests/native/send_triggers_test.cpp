// "One question sent 3 times, 3 different answers" must be impossible: these
// tests drive the send machine with every order of triggers, and with random
// schedules of triggers, failures and retries, and check that each distinct
// submission becomes exactly one message id, sent as one agent run.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "harness.hpp"

namespace natter {
namespace {

using testing::Harness;
using testing::reply_stream;
using testing::sse;

enum class Trigger { Enter, EnterRepeat, Click, Host, ShiftEnter, ImeEnter };
constexpr Trigger kTriggers[] = {Trigger::Enter, Trigger::EnterRepeat, Trigger::Click,
                                 Trigger::Host,  Trigger::ShiftEnter,  Trigger::ImeEnter};

Event as_event(Trigger t, const std::string& text) {
  switch (t) {
    case Trigger::Enter: return EnterPressed{text};
    case Trigger::EnterRepeat: return EnterPressed{text, false, false, true};
    case Trigger::Click: return SendClicked{text};
    case Trigger::Host: return HostSend{text};
    case Trigger::ShiftEnter: return EnterPressed{text, true};
    case Trigger::ImeEnter: return EnterPressed{text, false, true};
  }
  return Tick{};
}

bool sends(Trigger t) { return t != Trigger::ShiftEnter && t != Trigger::ImeEnter; }
bool is_plain_enter(Trigger t) { return t == Trigger::Enter || t == Trigger::EnterRepeat; }

// Every sequence of up to 5 triggers, all carrying the same text (the worst
// case: a click handler that read the textarea before Enter cleared it).
TEST(SendTriggers, EveryOrderOfUpToFiveTriggersSendsExactlyOnce) {
  std::vector<Trigger> seq;
  size_t sequences = 0;
  std::function<void(size_t)> run = [&](size_t depth) {
    if (!seq.empty()) {
      ++sequences;
      Harness h;
      size_t sending = 0, enters = 0;
      for (Trigger t : seq) {
        h.feed(as_event(t, "do you have PS5 games?"));
        sending += sends(t);
        enters += is_plain_enter(t);
      }
      const size_t expected = sending > 0 ? 1 : 0;
      ASSERT_EQ(h.requests().size(), expected) << "sequence #" << sequences;
      ASSERT_EQ(h.all_of<UserMessageShown>().size(), expected);
      ASSERT_EQ(h.client.stats().blocked_sends, sending - expected);
      ASSERT_EQ(h.count_logs("send blocked: already sending"), sending - expected);
      ASSERT_EQ(h.all_of<ConsumeKey>().size(), enters) << "Enter must never also type a newline";
    }
    if (depth == 5) return;
    for (Trigger t : kTriggers) {
      seq.push_back(t);
      run(depth + 1);
      seq.pop_back();
    }
  };
  run(0);
  EXPECT_EQ(sequences, 6u + 36 + 216 + 1296 + 7776);
}

// A shopper and a flaky server, driven by one seed. The fake server keeps
// the reference server's promise: the agent runs once per key.
class Simulation {
 public:
  explicit Simulation(uint32_t seed, uint32_t canaries = 0) : rng_(seed) {
    Config c = Harness::default_config();
    c.seed_hi = seed;
    c.seed_lo = seed * 2654435761u;
    c.canaries = canaries;
    h_ = std::make_unique<Harness>(c);
  }

  void run(int steps) {
    for (int i = 0; i < steps; ++i) step();
    heal();
  }

  void check_invariants() const {
    const auto shown = h_->all_of<UserMessageShown>();
    std::set<std::string> ids;
    for (const auto& s : shown) ASSERT_TRUE(ids.insert(s.message_id).second) << "an id was minted twice";
    ASSERT_EQ(shown.size(), h_->all_of<ClearComposer>().size());
    std::map<std::string, std::string> text_of;
    for (const auto& s : shown) text_of[s.message_id] = s.text;
    std::map<std::string, size_t> submissions_per_text;
    for (const auto& s : shown) ++submissions_per_text[s.text];
    for (const auto& [text, n] : submissions_per_text)
      ASSERT_EQ(n, 1u) << "'" << text << "' was submitted " << n << " times";
    for (const auto& r : h_->requests()) {
      const std::string key = Harness::header(r, "Idempotency-Key");
      ASSERT_TRUE(ids.count(key)) << "a request carried a key no message has";
      ASSERT_NE(r.body.find(text_of[key]), std::string::npos) << "a retry changed its body";
    }
    // After healing, every accepted message has exactly one finished reply.
    std::map<std::string, size_t> done;
    for (const auto& u : h_->all_of<AgentReplyUpdated>()) done[u.reply_to] += u.done;
    for (const auto& id : ids) ASSERT_EQ(done[id], 1u) << "message " << id << " has " << done[id] << " finished replies";
    ASSERT_FALSE(h_->client.next_deadline().has_value()) << "a timer outlived the conversation";
  }

  size_t messages() const { return h_->all_of<UserMessageShown>().size(); }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  void trigger(Trigger t, const std::string& text) {
    auto fx = h_->feed(as_event(t, text));
    for (const auto& e : fx)
      if (std::holds_alternative<ClearComposer>(e)) composer_.clear();
    track(fx);
  }

  // Remembers the request the core is waiting on, and failed messages.
  void track(const std::vector<Effect>& fx) {
    for (const auto& e : fx) {
      if (auto* r = std::get_if<HttpRequest>(&e)) {
        ASSERT_FALSE(open_.has_value() && open_->key != Harness::header(*r, "Idempotency-Key"))
            << "two messages in flight at once";
        open_ = Open{r->request_id, Harness::header(*r, "Idempotency-Key")};
      }
      if (auto* d = std::get_if<DeliveryChanged>(&e)) {
        if (d->state == "failed") {
          failed_.insert(d->message_id);
          if (open_ && open_->key == d->message_id) open_.reset();
        }
        else failed_.erase(d->message_id);
      }
      if (auto* u = std::get_if<AgentReplyUpdated>(&e))
        if (u->done) open_.reset();
    }
  }

  void feed(const Event& e) { track(h_->feed(e)); }

  void serve(uint32_t id, int how) {
    const std::string reply = reply_stream("Answer", R"({"id":"p1","name":"G","price":"1","currency":"GBP","url":"https://x.example/p"})");
    switch (how) {
      case 0: feed(HttpResponded{id, 200, -1}); feed(HttpBody{id, reply}); feed(HttpEnded{id}); break;
      case 1: feed(HttpFailed{id, "reset"}); break;
      case 2: feed(HttpResponded{id, 503, pick(2) ? 1000 : -1}); break;
      case 3: feed(HttpResponded{id, 200, -1}); feed(HttpBody{id, reply.substr(0, 40)}); feed(HttpEnded{id}); break;
      case 4: feed(HttpResponded{id, 400, -1}); break;
      case 5: feed(HttpResponded{id, 200, -1}); feed(HttpBody{id, reply + reply}); feed(HttpEnded{id}); break;
    }
    if (open_ && open_->request_id == id && how != 0 && how != 5) open_->request_id = 0;
  }

  void step() {
    switch (pick(8)) {
      case 0: composer_ = "question " + std::to_string(next_text_++); break;
      case 1:
      case 2: {
        const Trigger t = kTriggers[pick(6)];
        const std::string before = composer_;
        trigger(t, composer_);
        if (pick(3) == 0) trigger(kTriggers[pick(4)], before);  // same frame, stale read
        break;
      }
      case 3:
      case 4:
        if (open_ && open_->request_id) serve(open_->request_id, pick(6));
        break;
      case 5: {
        h_->now += pick(3000);
        track(h_->feed(Tick{}));
        break;
      }
      case 6:
        if (!failed_.empty()) feed(RetryClicked{*std::next(failed_.begin(), pick(static_cast<int>(failed_.size())))});
        break;
      case 7:
        if (open_ && open_->request_id && pick(4) == 0) {  // a stale duplicate answer
          feed(HttpResponded{open_->request_id - 1, 200, -1});
        }
        break;
    }
  }

  // Faults stop: answer everything, retry everything failed, let timers run.
  void heal() {
    for (int guard = 0; guard < 1000; ++guard) {
      if (open_ && open_->request_id) { serve(open_->request_id, 0); continue; }
      if (h_->client.next_deadline()) { h_->now = *h_->client.next_deadline(); track(h_->feed(Tick{})); continue; }
      if (!failed_.empty()) { feed(RetryClicked{*failed_.begin()}); continue; }
      return;
    }
    FAIL() << "the conversation did not settle";
  }

  struct Open {
    uint32_t request_id;
    std::string key;
  };
  std::mt19937 rng_;
  std::unique_ptr<Harness> h_;
  std::string composer_;
  int next_text_ = 0;
  std::optional<Open> open_;
  std::set<std::string> failed_;
};

TEST(SendTriggers, TenThousandRandomSchedulesGiveOneSendPerDistinctSubmission) {
  size_t total_messages = 0;
  for (uint32_t seed = 1; seed <= 10000; ++seed) {
    Simulation sim(seed);
    sim.run(40);
    sim.check_invariants();
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "replay with seed " << seed;
      return;
    }
    total_messages += sim.messages();
  }
  EXPECT_GT(total_messages, 10000u) << "the schedules barely sent anything";
}

// The HTTP path of the "new id on retry" canary (send_machine.cpp's retry
// timer re-mints the id): the schedules above must catch it, with the check
// on request keys, within kHttpCanarySeeds seeds.
constexpr uint32_t kHttpCanarySeeds = 20;

TEST(SendTriggers, ANewIdOnAnHttpRetryIsCaughtByTheKeyCheck) {
  uint32_t caught_at = 0;
  for (uint32_t seed = 1; seed <= kHttpCanarySeeds && !caught_at; ++seed) {
    ::testing::TestPartResultArray failures;
    {
      ::testing::ScopedFakeTestPartResultReporter intercept(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
      Simulation sim(seed, kCanaryNewIdOnRetry);
      sim.run(40);
      sim.check_invariants();
    }
    for (int i = 0; i < failures.size(); ++i)
      if (std::string(failures.GetTestPartResult(i).message()).find("a request carried a key no message has") != std::string::npos)
        caught_at = seed;
  }
  EXPECT_NE(caught_at, 0u) << "the HTTP retry canary survived " << kHttpCanarySeeds << " seeds";
  std::printf("[canary] new_id_on_retry (HTTP) caught by the request-key check at seed %u\n", caught_at);
}

}  // namespace
}  // namespace natter
