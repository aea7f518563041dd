#include "people/identity.hpp"
#include "boundary/json_limits.hpp"

#include "client.hpp"

namespace natter {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Which keys a visitor has, for the log (never the values).
std::string keys_of(const Visitor& v) {
  std::string out;
  for (const auto& [key, value] : {std::pair{"id", &v.id}, {"name", &v.name}, {"email", &v.email}})
    if (!value->empty()) out += (out.empty() ? "" : ", ") + std::string(key);
  return out;
}

}  // namespace

void Identity::restore(const std::string& visitor_json) {
  if (visitor_json.empty()) return;
  auto checked = check_visitor(parse_json(visitor_json));
  if (auto* problem = std::get_if<VisitorProblem>(&checked)) {
    c_.out_.emplace_back(Log{"warn", "dropped the stored visitor: " + problem->text});
    return;
  }
  visitor_ = std::get<CheckedVisitor>(checked);
}

std::string Identity::json_text() const { return visitor_ ? dump(visitor_to_json(visitor_)) : ""; }

void Identity::on_host(const std::string& value_json) {
  json value = value_json.empty() ? json(json::value_t::discarded) : parse_json(value_json);
  auto checked = value.is_discarded()
                     ? std::variant<CheckedVisitor, VisitorProblem>{VisitorProblem{
                           "", "expected an object {id, name, email}, or null to forget the visitor"}}
                     : check_visitor(value);
  if (auto* problem = std::get_if<VisitorProblem>(&checked)) {
    c_.out_.emplace_back(Log{"error", "identify: " + problem->text + "; the visitor was not changed"});
    return;
  }
  CheckedVisitor next = std::get<CheckedVisitor>(checked);
  if (next == visitor_) {
    c_.out_.emplace_back(Log{"debug", "identify: same visitor as before, nothing to do"});
    return;
  }
  visitor_ = std::move(next);
  c_.out_.emplace_back(Log{"debug", visitor_ ? "identify: visitor set (" + keys_of(*visitor_) + ")"
                                          : std::string("identify: visitor forgotten")});
  c_.persist_session();
  if (c_.conn_.live()) on_live();
}

void Identity::on_live() {
  if (told_server_ == visitor_) return;
  told_server_ = visitor_;
  c_.conn_.send(encode_identify(visitor_to_json(visitor_)));
}

}  // namespace natter
