// What the shopper sees of the people of the shop beyond who controls the
// conversation (conversation_control.hpp): the "Talk to a person" control,
// the email form when nobody is available, a person typing, and whether a
// message was delivered and read (docs/protocol.md, "Presence").
//
// Rules:
//  - The offer (HandoffOffer) is shown only in a live-session widget whose
//    session was wanted, while the AI answers, no request is under way and
//    the email form is not open.
//  - `unavailable` opens the email form. A valid address is sent once
//    under an id minted here; a re-send after a reconnect reuses it (the
//    gateway keeps one entry per id) until `handoff.email_saved` names it.
//    A second submit while one is on its way changes nothing.
//  - Typing shows only while a person controls the conversation. It ends
//    kTypingExpiryMs after the last signal (timer StaffTyping), when any
//    event of a staff message is applied, or when control changes. A signal
//    older than a staff message already applied (its seq) is dropped.
//  - Delivered: the server's ack (session_delivery.cpp). Read: a `read`
//    event marks every shopper message up to `through`, each once.
#pragma once

#include <cstdint>
#include <string>

#include "session/session_frames.hpp"

namespace natter {

class Client;

constexpr int64_t kTypingExpiryMs = 6000;

class Presence {
 public:
  explicit Presence(Client& client) : c_(client) {}

  // The offer: recomputed after anything it depends on changed.
  void update_offer();
  // The shopper asked for a person and the request went (or will go) out.
  void on_requested();
  // The server answered `unavailable`: open the email form.
  void on_unavailable();
  // Control changed (an event, or a welcome that said so).
  void on_control_changed();
  void submit_email(const std::string& email);
  void on_email_saved(const EmailSaved& s);
  // A welcome: a pending email goes (again) under its id.
  void on_live();

  void on_typing(const StaffTyping& t, int64_t now);
  void on_typing_timer();
  // An event of a staff message was applied at `seq`.
  void on_staff_message(uint64_t seq);

  void on_read(const ReadMark& r);

  bool offer_shown() const { return offer_shown_; }
  bool typing() const { return !typing_name_.empty(); }
  const std::string& pending_email_id() const { return pending_id_; }

 private:
  void stop_typing();
  void send_email();

  Client& c_;
  bool offer_shown_ = false;
  bool asked_ = false;       // a request for a person is under way
  bool form_open_ = false;   // the email form is shown (until saved)
  std::string pending_id_;   // the email on its way ("" when none)
  std::string pending_email_;
  std::string typing_name_;  // "" when nobody is shown typing
  uint64_t staff_seq_ = 0;   // the newest event of a staff message applied
  std::string read_through_; // the last shopper message marked read
};

}  // namespace natter
