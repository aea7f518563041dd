#include "chat/reply_assembler.hpp"

#include <optional>
#include <string>
#include <type_traits>

#include "base/call_apart.hpp"
#include "chat/rich_text.hpp"

namespace natter {

void ReplyAssembler::restart(const std::string& reply_to) {
  Reply& r = replies_[reply_to];
  r.text.clear();
  r.done = false;
  r.undrawn = false;
  settle_timer();
}

void ReplyAssembler::draw(const std::string& reply_to, Reply& r) {
  r.undrawn = false;
  r.drawn = true;
  r.drawn_at = now_;
  out_.emplace_back(AgentReplyUpdated{reply_to, parse_rich_text(r.text), r.done, r.author});
}

void ReplyAssembler::settle_timer() {
  std::optional<int64_t> at;
  for (const auto& [id, r] : replies_)
    if (r.undrawn && (!at || next_draw_at(r) < *at)) at = next_draw_at(r);
  if (at) timers_.set(TimerName::ReplyRedraw, *at);
  else timers_.cancel(TimerName::ReplyRedraw);
}

void ReplyAssembler::on_redraw_timer() {
  for (auto& [id, r] : replies_)
    if (r.undrawn && now_ >= next_draw_at(r)) draw(id, r);
  settle_timer();
}

void ReplyAssembler::on_action(ReplyAssembler& self, const std::string& reply_to, Reply& r, const AgentAction& a) {
  if (!a.problem.empty()) self.out_.emplace_back(Log{"warn", "dropped an agent action: " + a.problem});
  else if (r.done || r.acted) self.out_.emplace_back(Log{"warn", "dropped an agent action: one per reply, before done"});
  else {
    r.acted = true;
    self.actions_.proposed(reply_to, a, self.now_);
  }
}

bool ReplyAssembler::apply(const std::string& reply_to, const AgentEvent& event) {
  Reply& r = replies_[reply_to];
  return std::visit(
      [&](const auto& a) -> bool {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, AgentDelta>) {
          if (r.done || r.text.size() >= kMaxReplyBytes) return false;
          r.text += a.text;
          if (r.text.size() >= kMaxReplyBytes) {
            r.text.resize(kMaxReplyBytes);
            out_.emplace_back(Log{"warn", "agent reply truncated at 32 KiB"});
          }
          if (!r.drawn || now_ >= next_draw_at(r)) draw(reply_to, r);
          else r.undrawn = true;
          settle_timer();
        } else if constexpr (std::is_same_v<T, AgentCard>) {
          if (!r.cards.insert(a.product_id).second) return false;  // replayed
          ProductCardShown card{reply_to, a.product_id, a.name, a.price, a.currency, a.url, a.image_url};
          r.shown.push_back(card);
          out_.emplace_back(std::move(card));
        } else if constexpr (std::is_same_v<T, AgentDone>) {
          if (r.done) return false;
          r.done = true;
          draw(reply_to, r);
          settle_timer();
          return true;
        } else if constexpr (std::is_same_v<T, AgentSuggestions>) {
          if (a.dropped) out_.emplace_back(Log{"warn", "dropped " + std::to_string(a.dropped) + " agent suggestion(s) that failed the checks"});
          // Once per reply (a replayed stream sends them again); none after a
          // finished reply, whose chips would sit under an answer already read.
          if (r.done || r.suggested || (a.replies.empty() && a.links.empty())) return false;
          r.suggested = true;
          out_.emplace_back(SuggestionsShown{reply_to, a.replies, a.links});
        } else if constexpr (std::is_same_v<T, AgentAction>) {
          call_apart(on_action, *this, reply_to, r, a);  // no first chat proposes an action
        } else if constexpr (std::is_same_v<T, AgentStart>) {
          r.author = a.author;  // nothing to show yet
        }
        return false;  // error: the caller decides
      },
      event);
}

}  // namespace natter
