#pragma once

#include <utility>

namespace natter {

// Calls fn through a function pointer read from a volatile, so neither LLVM
// (at LTO) nor binaryen inlines it into the caller: it stays a function of
// its own in the WASM. The core's split (tools/bundle/split-core.mjs) moves
// whole functions to the second part, so a branch no first chat takes,
// inlined into a function every first chat runs, would ship in the first
// part; called through here, the split leaves it in the rest. For branches
// off the first chat's path, not for hot loops: the pointer is read from
// memory on every call.
template <typename... Params, typename... Args>
void call_apart(void (*fn)(Params...), Args&&... args) {
  void (*volatile apart)(Params...) = fn;
  apart(std::forward<Args>(args)...);
}

}  // namespace natter
