// natter('identify', …) inside the client: the visitor the shop named, kept
// across the shop's pages and told to the agent.
//
// Rules:
//  - A bad identify (visitor.hpp's checks) logs one error naming the key
//    and changes nothing. The same visitor again changes nothing either (a
//    shop may call identify on every page).
//  - A change is persisted at once (the natter.session blob), so the next
//    page knows the visitor even if the shop identifies only at login.
//  - Live session: every hello carries the current visitor. A change while
//    Live sends one `identify` frame; a change while connecting or offline
//    sends nothing now: the next hello (or, if the hello already left, the
//    welcome) brings the server up to date, once.
//  - HTTP: each message's request body carries the visitor as it was when
//    the message was accepted; its retries send that same body. A message
//    already in flight is never changed or re-sent by an identify: the new
//    visitor rides with the next message.
#pragma once

#include <string>

#include "people/visitor.hpp"

namespace natter {

class Client;

class Identity {
 public:
  explicit Identity(Client& client) : c_(client) {}

  // The visitor an earlier page persisted (config "visitor"), re-checked.
  void restore(const std::string& visitor_json);
  // natter('identify', value): `value_json` is the value as the page gave it
  // ("" when it gave none).
  void on_host(const std::string& value_json);

  const CheckedVisitor& visitor() const { return visitor_; }
  // The visitor as JSON text for a request body or hello; "" when none.
  std::string json_text() const;

  // The live session: a hello carrying json_text() went out on a new socket;
  // the welcome for it arrived (sends an identify frame if the visitor
  // changed in between).
  void on_hello_sent() { told_server_ = visitor_; }
  void on_live();

 private:
  Client& c_;
  CheckedVisitor visitor_;
  CheckedVisitor told_server_;  // what the current connection's server knows
};

}  // namespace natter
