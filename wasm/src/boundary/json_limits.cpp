// The core's one JSON parser: every parse in the core comes through here, so
// nlohmann instantiates one lexer and one parser over one input type (const
// char*) with one SAX handler (a DOM builder that counts depth), which is
// what keeps its share of the WASM small (docs/benchmarks.md).
//
// Size is checked before parsing (no work for an oversized frame); depth is
// checked as each container opens, and the parse stops there. nlohmann's
// parser is iterative, so deep input cannot exhaust the stack.
#include "boundary/json_limits.hpp"

#include <limits>

namespace natter {
namespace {

using DomBuilder = nlohmann::detail::json_sax_dom_parser<nlohmann::json>;
using Input = nlohmann::detail::iterator_input_adapter<const char*>;

// nlohmann's DOM builder, refusing to open a container at depth max_depth.
// `depth_` counts the containers around the one opening, so the outermost
// object or array has depth 0. The parser calls these by the static type,
// so hiding the base's members is enough (no virtuals).
class DepthLimitedDom : public DomBuilder {
 public:
  DepthLimitedDom(nlohmann::json& result, int max_depth)
      : DomBuilder(result, /*allow_exceptions=*/false), max_depth_(max_depth) {}
  bool start_object(std::size_t len) { return open() && DomBuilder::start_object(len); }
  bool start_array(std::size_t len) { return open() && DomBuilder::start_array(len); }
  bool end_object() { --depth_; return DomBuilder::end_object(); }
  bool end_array() { --depth_; return DomBuilder::end_array(); }
  bool too_deep() const { return too_deep_; }

 private:
  bool open() {
    if (depth_ >= max_depth_) too_deep_ = true;
    ++depth_;
    return !too_deep_;
  }
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

JsonResult parse_json_limited(std::string_view text, const JsonLimits& limits) {
  JsonResult result;
  if (text.size() > limits.max_bytes) {
    result.error_code = "too_large";
    return result;
  }
  nlohmann::json value;
  DepthLimitedDom dom(value, limits.max_depth);
  nlohmann::detail::parser<nlohmann::json, Input> parser(Input(text.data(), text.data() + text.size()),
                                                         nullptr, /*allow_exceptions=*/false);
  const bool ok = parser.sax_parse(&dom, /*strict=*/true);
  if (dom.too_deep()) {
    result.error_code = "too_deep";
  } else if (!ok) {
    result.error_code = "malformed";
  } else {
    result.value = std::move(value);
  }
  return result;
}

nlohmann::json parse_json(std::string_view text) {
  static const JsonLimits kUnlimited{std::numeric_limits<std::size_t>::max(), std::numeric_limits<int>::max()};
  JsonResult parsed = parse_json_limited(text, kUnlimited);
  return parsed.ok() ? std::move(parsed.value) : nlohmann::json(nlohmann::json::value_t::discarded);
}

nlohmann::json json_object(std::initializer_list<std::pair<const char*, nlohmann::json>> fields) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : fields) j[key] = value;
  return j;
}

}  // namespace natter
