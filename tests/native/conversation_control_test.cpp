// Who controls the conversation (conversation_control.hpp): control events
// from the server, what the shopper is told, what happens to a reply cut by
// a takeover and to messages a person will answer, the shopper's request;
// and docs/control-states.md, generated from the table the machine enforces
// (after changing the table: NATTER_UPDATE_DOCS=1 natter_tests
// --gtest_filter='ConversationControl.*', then review the diff).
#include <gtest/gtest.h>


#include <nlohmann/json.hpp>

#include "session_harness.hpp"
#include "state_diagram.hpp"

namespace natter {
namespace {

using namespace natter::testing;

std::string control(uint64_t seq, const std::string& data) { return event(seq, "control", "control", data); }

std::vector<std::string> notice_codes(const Harness& h) {
  std::vector<std::string> out;
  for (const auto& n : h.all_of<NoticeShown>()) out.push_back(n.code);
  return out;
}

// Ana takes over (seq 1) and answers "Yes, 3 left." as staff-m-1 (seq 2..4).
void ana_takes_over_and_answers(Harness& h, uint32_t id) {
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, event(2, "staff-m-1", "start", R"({"reply_id":"s1","author":{"kind":"staff","name":"Ana"}})")});
  h.feed(WsFrame{id, event(3, "staff-m-1", "delta", R"({"text":"Yes, 3 left."})")});
  h.feed(WsFrame{id, event(4, "staff-m-1", "done", "{}")});
}

TEST(ConversationControl, TheHelloSaysTheWidgetUnderstandsHandoff) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  h.feed(WsOpened{last_conn(h)});
  auto hello = sent_frames(h, "hello");
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_NE(hello[0].find(R"("features":["handoff","presence","suggestions","actions"])"), std::string::npos) << hello[0];
}

TEST(ConversationControl, WaitingThenAPersonThenTheAssistantAgainAreEachToldOnce) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":2})")});
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":2})")});  // a replay: applied once
  h.feed(WsFrame{id, control(2, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, control(3, R"({"state":"ai","by":{"name":"Ana"}})")});
  EXPECT_EQ(notice_codes(h), (std::vector<std::string>{"handoff_waiting", "handoff_joined", "handoff_left"}));
  auto notices = h.all_of<NoticeShown>();
  EXPECT_EQ(notices[0].arg, "2");
  EXPECT_EQ(notices[1].text, "Ana from the shop joined the chat.");
  EXPECT_EQ(notices[1].arg, "Ana");
  EXPECT_EQ(notices[2].text, "Ana left the chat. The assistant is back.");
  EXPECT_EQ(h.client.delivery().last_event_seq(), 3u);
  EXPECT_EQ(h.client.stats().illegal_transitions, 0u);
}

// docs/protocol.md: a `control` event repeating `waiting` is the queue
// moving, not a transition; the estimate is said when it changes.
TEST(ConversationControl, TheQueueMovingTellsTheNewPlaceAndTheEstimateWhenItChanges) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":3,"wait_s":180})")});
  h.feed(WsFrame{id, control(2, R"({"state":"waiting","position":2,"wait_s":120})")});
  h.feed(WsFrame{id, control(3, R"({"state":"waiting","position":2,"wait_s":120})")});  // no news: nothing said
  h.feed(WsFrame{id, control(4, R"({"state":"waiting","position":1,"wait_s":120})")});  // same minutes: the place only
  h.feed(WsFrame{id, control(5, R"({"state":"waiting","position":1})")});
  auto notices = h.all_of<NoticeShown>();
  std::vector<std::pair<std::string, std::string>> said;
  for (const auto& n : notices) said.emplace_back(n.code, n.arg);
  EXPECT_EQ(said, (std::vector<std::pair<std::string, std::string>>{
                      {"handoff_waiting", "3"}, {"handoff_wait", "3"}, {"handoff_waiting", "2"},
                      {"handoff_wait", "2"}, {"handoff_waiting", "1"}}));
  EXPECT_EQ(notices[1].text, "Estimated wait: about 3 minutes.");
  EXPECT_EQ(h.client.control().position(), 1u);
  EXPECT_EQ(h.client.control().wait_s(), 120u);
  EXPECT_EQ(h.client.stats().illegal_transitions, 0u);
  std::vector<std::string> host;
  for (const auto& e : h.all_of<HostEvent>())
    if (e.name == "handoff") host.push_back(e.payload);
  ASSERT_EQ(host.size(), 3u);
  EXPECT_EQ(host[0], R"({"position":3,"state":"waiting","wait_s":180})");
  EXPECT_EQ(host[2], R"({"position":1,"state":"waiting","wait_s":120})");
  h.feed(WsFrame{id, control(6, R"({"state":"person","by":{"name":"Ana"}})")});
  EXPECT_EQ(h.client.control().wait_s(), 0u);
  EXPECT_EQ(h.client.control().state(), Control::Person);
}

TEST(ConversationControl, AnEstimateOfOneMinuteIsSingular) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":1,"wait_s":60})")});
  auto notices = h.all_of<NoticeShown>();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_EQ(notices[1].text, "Estimated wait: about 1 minute.");
}

TEST(ConversationControl, AnIllegalControlEventChangesNothingAndIsCounted) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, control(2, R"({"state":"waiting","position":1})")});  // person -> waiting: not a step
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  EXPECT_EQ(notice_codes(h), (std::vector<std::string>{"handoff_joined"}));
  EXPECT_EQ(h.client.control().state(), Control::Person);
}

TEST(ConversationControl, NobodyAvailableIsToldAndTheAssistantKeepsTheChat) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"unavailable","ask":"email"})")});
  EXPECT_EQ(notice_codes(h), (std::vector<std::string>{"handoff_unavailable"}));
  h.feed(SendClicked{"ok, then you"});
  const std::string mid = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(mid)});
  EXPECT_EQ(h.client.delivery().outbox().size(), 1u) << "the assistant's reply still settles it";
}

TEST(ConversationControl, ATakeoverClosesTheStreamingReplyAndSettlesItsSeq) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(SendClicked{"which console?"});
  const std::string mid = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(mid)});
  h.feed(WsFrame{id, event(1, mid, "start", R"({"reply_id":"r1"})")});
  h.feed(WsFrame{id, event(2, mid, "delta", R"({"text":"The PS5 is"})")});
  h.feed(WsFrame{id, control(3, R"({"state":"person","by":{"name":"Ana"}})")});
  auto replies = h.all_of<AgentReplyUpdated>();
  ASSERT_FALSE(replies.empty());
  EXPECT_TRUE(replies.back().done) << "the cut reply is closed, with what had arrived";
  EXPECT_EQ(replies.back().reply_to, mid);
  EXPECT_TRUE(h.client.delivery().outbox().empty());
  // What the next page resumes from: nothing half-applied is left.
  auto persisted = h.all_of<Persist>();
  ASSERT_FALSE(persisted.empty());
  EXPECT_NE(persisted.back().value.find(R"("last_event_seq":3)"), std::string::npos) << persisted.back().value;
}

TEST(ConversationControl, AStaffReplyCarriesItsAuthor) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  ana_takes_over_and_answers(h, id);
  auto replies = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].author, "Ana");
  EXPECT_EQ(replies[1].author, "Ana");
  EXPECT_TRUE(replies[1].done);
  // An AI reply has no author.
  h.feed(WsFrame{id, control(5, R"({"state":"ai"})")});
  h.feed(SendClicked{"thanks"});
  const std::string mid = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(mid)});
  h.feed(WsFrame{id, event(6, mid, "start", R"({"reply_id":"r2"})")});
  h.feed(WsFrame{id, event(7, mid, "delta", R"({"text":"You're welcome."})")});
  h.feed(WsFrame{id, event(8, mid, "done", "{}")});
  EXPECT_EQ(h.all_of<AgentReplyUpdated>().back().reply_to, mid);
  EXPECT_EQ(h.all_of<AgentReplyUpdated>().back().author, "");
}

TEST(ConversationControl, MessagesToAPersonLeaveTheOutboxWithTheirHeldEvent) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":1})")});
  // More than the outbox's 20 messages to a person never fill it.
  uint64_t seq = 1;
  for (int i = 0; i < 25; ++i) {
    h.feed(SendClicked{"note " + std::to_string(i)});
    const std::string mid = h.all_of<UserMessageShown>().back().message_id;
    h.feed(WsFrame{id, ack(mid)});
    EXPECT_EQ(h.client.delivery().outbox().size(), 1u) << "an ack alone settles nothing";
    h.feed(WsFrame{id, event(++seq, mid, "held", "{}")});
  }
  EXPECT_TRUE(h.client.delivery().outbox().empty());
  EXPECT_TRUE(h.all_of<ComposerError>().empty());
}

TEST(ConversationControl, TheShoppersRequestGoesOutOnceAndWaitsForTheSessionWhenItIsDown) {
  Harness h(session_config());
  h.feed(HandoffRequested{});  // before any session: asks for it, sends after the welcome
  EXPECT_TRUE(sent_frames(h, "handoff.request").empty());
  const uint32_t id = last_conn(h);
  ASSERT_NE(id, 0u);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  EXPECT_EQ(sent_frames(h, "handoff.request").size(), 1u);
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":1})")});
  h.feed(HandoffRequested{});  // already waiting: nothing more to ask
  EXPECT_EQ(sent_frames(h, "handoff.request").size(), 1u);
}

TEST(ConversationControl, AWelcomeSaysWhoHasTheConversationAndAFreshSessionStartsWithTheAssistant) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  std::string w = welcome(true);
  w.insert(w.size() - 1, R"(,"control":{"state":"person","by":{"name":"Ana"}})");
  h.feed(WsFrame{id, w});  // a reloaded page learns it here, silently
  EXPECT_EQ(h.client.control().state(), Control::Person);
  EXPECT_EQ(h.client.control().person(), "Ana");
  EXPECT_TRUE(notice_codes(h).empty());
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome(false)});
  EXPECT_EQ(h.client.control().state(), Control::Ai);
}

// After a resume the welcome's control already includes the control events
// replayed after it (simulated seed 64: handed back while the page reloaded).
TEST(ConversationControl, ControlEventsTheWelcomeAlreadyIncludesChangeNothing) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  std::string w = welcome(true);
  w.replace(w.find(R"("event_seq":0)"), 13, R"("event_seq":2)");
  w.insert(w.size() - 1, R"(,"control":{"state":"ai"})");
  h.feed(WsFrame{id, w});
  h.feed(WsFrame{id, control(2, R"({"state":"ai","by":{"name":"Ana"}})")});  // the replay of the hand-back
  EXPECT_EQ(h.client.control().state(), Control::Ai);
  EXPECT_EQ(h.client.stats().illegal_transitions, 0u);
  h.feed(WsFrame{id, control(3, R"({"state":"waiting","position":1})")});  // after the welcome: applied
  EXPECT_EQ(h.client.control().state(), Control::Waiting);
}

// A message the server held for a person settles with its `held` event,
// whoever the widget believed had the conversation when the ack came.
TEST(ConversationControl, AHeldEventSettlesTheMessage) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(SendClicked{"anyone there?"});
  const std::string mid = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(mid)});
  EXPECT_EQ(h.client.delivery().outbox().size(), 1u) << "the AI's turn: a reply is expected";
  h.feed(WsFrame{id, event(1, mid, "held", "{}")});
  EXPECT_TRUE(h.client.delivery().outbox().empty());
  EXPECT_EQ(h.client.delivery().last_event_seq(), 1u);
  EXPECT_EQ(h.client.stats().protocol_errors, 0u);
}

// A staff reply keeps its author in the transcript a reloaded page shows
// (simulated seed 70: the restored bubble had lost it).
TEST(ConversationControl, AReloadedPageShowsTheStaffReplyWithItsAuthor) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  ana_takes_over_and_answers(h, id);
  const auto blob = nlohmann::json::parse(h.all_of<Persist>().back().value);
  Config next = session_config();
  next.transcript_json = blob["transcript"].dump();
  Harness reloaded(next);
  reloaded.feed(SessionWanted{});
  auto shown = reloaded.all_of<AgentReplyUpdated>();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].author, "Ana");
}

const testing::DiagramSource kSource{
    "Who controls the conversation", "control-states.md", "kControlTransitions", "wasm/src/people/conversation_control.cpp",
    "tests/native/conversation_control_test.cpp",
    "It follows the server's `control` events: `unavailable` is an answer, not a state. The server's own\n"
    "table is `tools/gateway/control/transitions.mjs` (docs/protocol.md, \"Handoff to a person\").\n"};

TEST(ConversationControl, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(
      kSource, testing::render_state_diagram(kSource, kControlTransitions, kControlTransitionCount, Control::Ai));
}

TEST(ConversationControl, EveryStateIsReachableFromAi) {
  EXPECT_EQ(testing::reachable_states(kControlTransitions, kControlTransitionCount, Control::Ai), 3u);
}

}  // namespace
}  // namespace natter
