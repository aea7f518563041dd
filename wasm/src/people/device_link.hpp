// "Continue on your phone" (docs/protocol.md, "Continue on
// another device"): the widget's side. The server mints and checks links;
// this machine decides what the shopper sees and what goes on the wire.
//
// Offer (the first device), states named after what they wait for:
//   Idle       nothing offered
//   Asking     continue.offer sent on the live socket; waiting for continue.offered
//   Showing    the QR code and typed code are up until `until_ms` (ContinueExpiry timer)
//   Expired    the link ran out; the panel says so and offers a new one
// A link shown is valid once; the gateway refuses it after its TTL whatever
// this machine shows, so the expiry here is for the shopper, not security.
//
// Device (either device):
//   - The first device whose socket was taken by the second (close 4000
//     `replaced:device`) shows "Continued on another device — not you?
//     Revoke". Revoke reconnects with `revoke: true` in the hello: the
//     server voids the second device's token line and closes its socket.
//   - The second device (welcome `device: "second"`) may not offer nor
//     revoke; a close 4000 `revoked` ends its session (status `revoked`).
//
// Redeem (the second device): a secret from the page's URL fragment (the
// shim reads and strips it, config `continue_secret`) is redeemed only once
// the shopper confirms: a link can be sent by anyone, and redeeming it
// unasked would pull this tab into a stranger's conversation. So the
// session waits and the sheet asks (continue_offer state `confirm`, or
// `confirm_replace` when this tab's own conversation would give way);
// Continue here (ContinueConfirmed) redeems, Not now (a dismiss) forgets
// the secret and the tab goes on as a fresh visit. The secret is never
// persisted; a reload drops it (the fragment is gone). The secret, or a
// typed code, is POSTed before the session starts (ContinueRedeem); the answer either
// hands this tab the conversation (its own token, the transcript so far,
// checked by Transcript::restore like any restored data)
// or is told to the shopper, and the tab's own session goes on.
#pragma once

#include <cstdint>
#include <string>

#include "base/events.hpp"
#include "session/session_frames.hpp"
#include "base/machine.hpp"

namespace natter {

class Client;

enum class LinkOffer : uint8_t { Idle, Asking, Showing, Expired };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<LinkOffer>& table_of(LinkOffer);
extern const Transition<LinkOffer> kLinkOfferTransitions[];
extern const std::size_t kLinkOfferTransitionCount;

class DeviceLink {
 public:
  explicit DeviceLink(Client& client) : c_(client) {}

  // The shopper asked for a link (panel button) / closed the offer.
  void on_offer_clicked(int64_t now);
  void on_offer_dismissed(int64_t now);
  void on_offered(const ContinueOffered& f, int64_t now);
  void on_error(const ServerError& e);
  void on_timer(int64_t now);

  // The connection's view (connection_machine.cpp).
  void on_welcome(const Welcome& w);
  void on_down();
  // A 4000 close: true when it was about the other device (the caller
  // then stops reconnecting); it has told the shopper.
  bool on_replaced(const std::string& reason);
  bool revoke_pending() const { return revoke_pending_; }
  void on_revoke_clicked(int64_t now);

  // Redeem on the second device. begin_redeem: true when the page's link
  // was put to the shopper (the session waits for the answer, then the
  // redeem's); on_confirmed redeems it.
  bool begin_redeem();
  void on_confirmed();
  void on_code_entered(const std::string& typed);
  void on_redeemed(const ContinueRedeemed& e, int64_t now);
  bool redeeming() const { return redeem_request_ != 0 || confirming_; }

  LinkOffer offer() const { return offer_; }
  bool second_device() const { return second_; }
  bool elsewhere() const { return elsewhere_; }

 private:
  bool go(LinkOffer to);
  void show(const char* state, const std::string& secret = "", const std::string& code = "", int64_t ms = 0);
  void redeem(const std::string& secret, const std::string& code);

  Client& c_;
  LinkOffer offer_ = LinkOffer::Idle;
  bool second_ = false;          // this tab holds the second device's line
  bool elsewhere_ = false;       // the second device has the session now (first device)
  bool revoke_pending_ = false;  // the next hello carries revoke: true
  bool secret_used_ = false;     // the config's continue_secret was put to the shopper (once per page)
  bool confirming_ = false;      // the prompt is up: no redeem until the shopper confirms
  uint32_t redeem_request_ = 0;  // the ContinueRedeem awaiting its answer
};

// "abcd-efgh" -> "ABCDEFGH" when it is a possible typed code, else "".
std::string normalize_continue_code(const std::string& typed);

}  // namespace natter
