// Who the shopper is, as the shop says (natter('identify', {id, name,
// email})): the checks a visitor must pass, and its JSON form. The same
// checks apply to what the host page sends and to what a previous page
// stored (storage the page can write is as untrusted as the page's call).
//
// Rules (docs/protocol.md, "Visitor"):
//  - an object with only the keys id, name, email; null means "no visitor";
//  - each value a string (null or absent: not given), trimmed; empty after
//    trimming counts as not given; no control characters;
//  - id 1-128 characters, name at most 100, email at most 254 with exactly
//    one '@', text on both sides and a dot inside the domain;
//  - at least one of the three given.
// Lengths are counted like JavaScript's `length` (UTF-16 units), as the
// server counts them. The first broken rule is the one reported; its text
// names the key but never echoes the value (the log goes into support dumps).
#pragma once

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace natter {

struct Visitor {
  std::string id, name, email;  // empty: not given
  bool operator==(const Visitor& o) const { return id == o.id && name == o.name && email == o.email; }
  bool operator!=(const Visitor& o) const { return !(*this == o); }
};

constexpr std::size_t kVisitorIdMaxChars = 128;
constexpr std::size_t kVisitorNameMaxChars = 100;
constexpr std::size_t kVisitorEmailMaxChars = 254;

// A checked value: a visitor, or nothing (null: forget the visitor).
using CheckedVisitor = std::optional<Visitor>;
struct VisitorProblem {
  std::string key;   // the key at fault ("" when it is the whole value)
  std::string text;  // e.g. "email is not an email address (…)"
};

std::variant<CheckedVisitor, VisitorProblem> check_visitor(const nlohmann::json& value);
// {"id", "name", "email"} with only the keys given, or null.
nlohmann::json visitor_to_json(const CheckedVisitor& v);

}  // namespace natter
