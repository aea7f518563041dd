#include "people/visitor.hpp"

#include "base/text_limits.hpp"

namespace natter {
namespace {

using nlohmann::json;

// C0 controls, DEL and C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F).
bool has_control(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return true;
  }
  return false;
}

bool is_email(std::string_view s) {
  const auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find_first_of(" \t\n\r\f\v") != std::string_view::npos) return false;
  const std::string_view domain = s.substr(at + 1);
  const auto dot = domain.find('.');
  return !domain.empty() && dot != std::string_view::npos && domain.front() != '.' && domain.back() != '.';
}

// Reads one key into `out` (trimmed); returns the problem text, or "".
std::string read(const json& j, const char* key, std::size_t max_chars, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string()) return std::string(key) + " must be a string";
  const std::string_view value = trim(it->get_ref<const std::string&>());
  if (has_control(value)) return std::string(key) + " must not contain control characters";
  if (utf16_length(value) > max_chars)
    return std::string(key) + " must be at most " + std::to_string(max_chars) + " characters";
  out = std::string(value);
  return "";
}

}  // namespace

std::variant<CheckedVisitor, VisitorProblem> check_visitor(const json& value) {
  if (value.is_null()) return CheckedVisitor{};
  if (!value.is_object())
    return VisitorProblem{"", "expected an object {id, name, email}, or null to forget the visitor"};
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    if (key != "id" && key != "name" && key != "email") {
      const std::string shown = json(key.substr(0, 40)).dump(-1, ' ', false, json::error_handler_t::replace);
      return VisitorProblem{key, "unknown key " + shown + " (known: id, name, email)"};
    }
  }
  Visitor v;
  struct Field { const char* key; std::size_t max; std::string* out; };
  for (const Field& f : {Field{"id", kVisitorIdMaxChars, &v.id}, Field{"name", kVisitorNameMaxChars, &v.name},
                         Field{"email", kVisitorEmailMaxChars, &v.email}}) {
    std::string problem = read(value, f.key, f.max, *f.out);
    if (!problem.empty()) return VisitorProblem{f.key, problem};
  }
  if (!v.email.empty() && !is_email(v.email))
    return VisitorProblem{"email", "email is not an email address (one '@' with text on both sides and a dot in the domain)"};
  if (v.id.empty() && v.name.empty() && v.email.empty())
    return VisitorProblem{"", "give at least one of id, name, email (or null to forget the visitor)"};
  return CheckedVisitor{v};
}

json visitor_to_json(const CheckedVisitor& v) {
  if (!v) return nullptr;
  json out = json::object();
  if (!v->id.empty()) out["id"] = v->id;
  if (!v->name.empty()) out["name"] = v->name;
  if (!v->email.empty()) out["email"] = v->email;
  return out;
}

}  // namespace natter
