// Which build of the voice codec this engine gets (wasm/CMakeLists.txt):
// voice_wasm uses WASM SIMD in the encoder's hot loops (wasm/opus/simd/;
// every current engine has it: Chrome 91, Firefox 89, Safari 16.4),
// voice_scalar_wasm is the same codec without, for engines before those.
// Their packets are the same bytes. The probe is a module made of SIMD
// instructions the codec uses (v128.const, i64x2.extmul_low_i32x4_s,
// f64x2.promote_low_f32x4, in their final opcodes): an engine that
// validates it has the final SIMD instruction set voice_wasm needs.
const V128_ZERO = [253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 45, 1, 43, 0,
  ...V128_ZERO, ...V128_ZERO, 253, 220, 1, 253, 95, 11];

// 'simd' or 'scalar'; its manifest key is CODEC_FILE[build].
export function voiceCodecBuild(win) {
  try {
    return win.WebAssembly.validate(new Uint8Array(SIMD_PROBE)) ? 'simd' : 'scalar';
  } catch {
    return 'scalar';
  }
}

export const CODEC_FILE = { simd: 'voice_wasm', scalar: 'voice_scalar_wasm' };
