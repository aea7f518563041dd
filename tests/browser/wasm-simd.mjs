// The smallest module with a WASM SIMD instruction (a function returning
// v128.const 0): an engine without WASM SIMD does not validate it. Tests
// that turn an engine's SIMD off check this in the page first, so a switch
// that did not take fails as that, not as a codec mismatch later.
export const V128_MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11];
