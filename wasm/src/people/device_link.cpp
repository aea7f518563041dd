#include "people/device_link.hpp"

#include <algorithm>

#include "base/call_apart.hpp"

#include "client.hpp"
#include "base/wire_codes.hpp"

namespace natter {
namespace {

using L = LinkOffer;
constexpr const char* kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";  // tools/gateway/continue/codes.mjs
constexpr std::size_t kCodeChars = 8;
constexpr int64_t kMaxOfferMs = 10 * 60 * 1000;  // a server's TTL is believed up to this

// {session_url} ws(s)://host/…/api/session -> http(s)://host/…/api/continue
std::string continue_url(const std::string& session_url) {
  std::string url = session_url;
  if (url.rfind("wss://", 0) == 0) url = "https://" + url.substr(6);
  else if (url.rfind("ws://", 0) == 0) url = "http://" + url.substr(5);
  const std::string tail = "/api/session";
  if (url.size() >= tail.size() && url.compare(url.size() - tail.size(), tail.size(), tail) == 0)
    url.replace(url.size() - tail.size(), tail.size(), "/api/continue");
  return url;
}

}  // namespace

const char* const kLinkOfferNames[] = {"Idle", "Asking", "Showing", "Expired"};
const Transition<LinkOffer> kLinkOfferTransitions[] = {
    {L::Idle, L::Asking, NATTER_ON("offer clicked (live)")},
    {L::Expired, L::Asking, NATTER_ON("offer clicked again")},
    {L::Showing, L::Asking, NATTER_ON("a new link asked for")},
    {L::Asking, L::Showing, NATTER_ON("continue.offered")},
    {L::Asking, L::Idle, NATTER_ON("refused / session down / dismissed")},
    {L::Showing, L::Expired, NATTER_ON("ContinueExpiry timer")},
    {L::Showing, L::Idle, NATTER_ON("dismissed / the other device took over")},
    {L::Expired, L::Idle, NATTER_ON("dismissed")},
};
const std::size_t kLinkOfferTransitionCount = sizeof(kLinkOfferTransitions) / sizeof(kLinkOfferTransitions[0]);
const MachineTable<LinkOffer> kLinkOfferMachine{"device link", kLinkOfferNames, kLinkOfferTransitions};
const MachineTable<LinkOffer>& table_of(LinkOffer) { return kLinkOfferMachine; }

std::string normalize_continue_code(const std::string& typed) {
  if (typed.size() > 32) return "";
  std::string code;
  for (char ch : typed) {
    if (ch == ' ' || ch == '-') continue;
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (std::string(kCodeAlphabet).find(ch) == std::string::npos) return "";
    code += ch;
  }
  return code.size() == kCodeChars ? code : "";
}

bool DeviceLink::go(LinkOffer to) { return machine_go(offer_, to, c_); }

void DeviceLink::show(const char* state, const std::string& secret, const std::string& code, int64_t ms) {
  c_.out_.emplace_back(ContinueOfferChanged{state, secret, code, ms});
}

void DeviceLink::on_offer_clicked(int64_t now) {
  (void)now;
  if (second_) {
    c_.out_.emplace_back(NoticeShown{"continue_not_here", "This chat can only be handed on from the device it started on."});
    return;
  }
  if (!c_.conn_.live()) {
    c_.out_.emplace_back(NoticeShown{"continue_offline", "Connect to the chat first, then try again."});
    return;
  }
  if (offer_ == L::Asking || !go(L::Asking)) return;
  c_.timers_.cancel(TimerName::ContinueExpiry);
  c_.conn_.send(encode_continue_offer(c_.saved_.to_json()));  // the phone gets what was saved here
  show("asking");
}

void DeviceLink::on_offer_dismissed(int64_t now) {
  if (confirming_) {  // Not now: the link is forgotten, never redeemed
    call_apart(+[](DeviceLink& link, int64_t now) {
      link.confirming_ = false;
      link.c_.config_.continue_secret.clear();
      link.show("hidden");
      link.c_.resume_after_redeem(now);
    }, *this, now);
    return;
  }
  if (offer_ == L::Idle || !go(L::Idle)) return;
  c_.timers_.cancel(TimerName::ContinueExpiry);
  show("hidden");
}

void DeviceLink::on_offered(const ContinueOffered& f, int64_t now) {
  if (offer_ != L::Asking || !go(L::Showing)) return;  // dismissed meanwhile: not shown
  const int64_t ms = std::min<int64_t>(std::max<int64_t>(f.expires_in_ms, 0), kMaxOfferMs);
  c_.timers_.set(TimerName::ContinueExpiry, now + ms);
  show("shown", f.secret, f.code, ms);
}

void DeviceLink::on_error(const ServerError& e) {
  if (e.code != wire::kErrorContinueRefused || offer_ != L::Asking || !go(L::Idle)) return;
  show("hidden");
  c_.out_.emplace_back(NoticeShown{"continue_refused", "This chat cannot be handed on right now."});
}

void DeviceLink::on_timer(int64_t now) {
  (void)now;
  if (offer_ == L::Showing && go(L::Expired)) show("expired");
}

void DeviceLink::on_welcome(const Welcome& w) {
  second_ = w.second_device;
  if (elsewhere_ || revoke_pending_)  // after a continue: no first chat's (call_apart.hpp)
    call_apart(+[](DeviceLink& link) {
      if (link.elsewhere_) {
        link.elsewhere_ = false;
        link.c_.out_.emplace_back(ElsewhereChanged{false, false});
      }
      if (link.revoke_pending_) {
        link.revoke_pending_ = false;
        if (!link.second_)
          link.c_.out_.emplace_back(NoticeShown{"continue_revoked", "The other device can no longer see this chat."});
      }
    }, *this);
}

void DeviceLink::on_down() {
  if (offer_ == L::Asking && go(L::Idle)) show("hidden");  // the answer would come on a dead socket
}

bool DeviceLink::on_replaced(const std::string& reason) {
  if (reason == wire::kReasonRevoked) {
    if (offer_ != L::Idle && go(L::Idle)) show("hidden");
    return true;  // the connection machine shows status `revoked`
  }
  if (reason != wire::kReasonReplacedDevice) return false;
  if (offer_ != L::Idle && is_legal(offer_, L::Idle) && go(L::Idle)) {  // the link did its job
    c_.timers_.cancel(TimerName::ContinueExpiry);
    show("hidden");
  }
  if (!second_) {
    elsewhere_ = true;
    c_.out_.emplace_back(ElsewhereChanged{true, true});
  }
  return true;
}

void DeviceLink::on_revoke_clicked(int64_t now) {
  if (!elsewhere_ || second_) return;
  elsewhere_ = false;
  revoke_pending_ = true;
  c_.out_.emplace_back(ElsewhereChanged{false, false});
  c_.conn_.retry_now(now);  // the hello carries revoke: true
}

bool DeviceLink::begin_redeem() {
  if (secret_used_ || c_.config_.continue_secret.empty() || c_.config_.session_url.empty()) return false;
  secret_used_ = true;
  confirming_ = true;
  // Apart (call_apart.hpp): a first chat has no continue link to confirm.
  // Said when this tab's own conversation would give way (with several
  // conversations it stays in the list: nothing to say).
  call_apart(+[](DeviceLink& link) {
    const auto& d = link.c_.delivery_;
    const bool replaces = !link.c_.config_.multiple_conversations &&
                          (!d.transcript().entries().empty() || !d.outbox().empty());
    link.show(replaces ? "confirm_replace" : "confirm");
  }, *this);
  return true;
}

void DeviceLink::on_confirmed() {
  if (!confirming_) return;  // no link put to the shopper: nothing to redeem
  call_apart(+[](DeviceLink& link) {
    link.confirming_ = false;
    link.show("hidden");
    link.redeem(link.c_.config_.continue_secret, "");
    link.c_.config_.continue_secret.clear();  // sent once: not kept
  }, *this);
}

void DeviceLink::on_code_entered(const std::string& typed) {
  if (c_.config_.session_url.empty() || redeem_request_ != 0) return;
  const std::string code = normalize_continue_code(typed);
  if (code.empty()) {
    c_.out_.emplace_back(NoticeShown{"continue_bad_code", "That is not a code from the other device: check it and try again."});
    return;
  }
  redeem("", code);
}

void DeviceLink::redeem(const std::string& secret, const std::string& code) {
  redeem_request_ = c_.ids_.request_id();
  c_.out_.emplace_back(ContinueRedeem{redeem_request_, continue_url(c_.config_.session_url), secret, code});
}

void DeviceLink::on_redeemed(const ContinueRedeemed& e, int64_t now) {
  if (e.request_id == 0 || e.request_id != redeem_request_) return;  // stale
  redeem_request_ = 0;
  const bool ok = e.status == 200 && !e.session_id.empty() && !e.resume_token.empty();
  if (ok && c_.adopt_continued(e.session_id, e.resume_token, e.last_event_seq, e.transcript_json, e.saved_json, now)) {
    c_.out_.emplace_back(NoticeShown{"continued_here", "You're continuing the chat from your other device."});
  } else {
    const std::string why = e.code == "used" || e.code == "expired" || e.code == "rate_limited" || e.code == "unknown"
                                ? e.code : std::string("failed");
    static const char* const texts[][2] = {
        {"used", "This code was already used. Ask the other device for a new one."},
        {"expired", "This code has expired. Ask the other device for a new one."},
        {"rate_limited", "Too many wrong codes. Wait a minute and try again."},
        {"unknown", "No such code: check it and try again."},
        {"failed", "The chat could not be continued here. Try again."},
    };
    for (const auto& t : texts)
      if (why == t[0]) c_.out_.emplace_back(NoticeShown{std::string("continue_") + why, t[1]});
    c_.resume_after_redeem(now);
  }
}

}  // namespace natter
