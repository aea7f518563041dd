// A JSON array joined from entries that each keep their own JSON text
// (`json`, written once when the entry was added): the persisted form of the
// outbox and the transcript, rebuilt without re-serialising anything.
#pragma once

#include <string>

namespace natter {

template <class Entries>
std::string json_array_of(const Entries& entries) {
  std::string out = "[";
  for (const auto& e : entries) out.append(out.size() > 1 ? "," : "").append(e.json);
  return out += ']';
}

}  // namespace natter
