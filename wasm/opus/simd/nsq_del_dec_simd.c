/* libopus 1.3.1's silk/NSQ_del_dec.c for the SIMD voice module
 * (natter_opus_simd, cmake/opus.cmake), as both WASM builds compile it
 * (NSQ_del_dec_interleaved.c: the noise-shaping feedback two states at a
 * time, wasm/opus/wasm_patch/), with its short-term prediction on
 * WASM SIMD (short_prediction_simd.h says why it is bit for bit the scalar
 * one; the packets stay byte-identical to the native build's,
 * tests/node/voice_codec_bytes.test.mjs).
 *
 * libopus's hook for this is the one its NEON version uses: NSQ_del_dec.c
 * calls silk_short_prediction_create_arch_coef once per subframe, then
 * silk_noise_shape_quantizer_short_prediction per sample and state. NSQ.h
 * defines both for the scalar code; they are replaced here before
 * NSQ_del_dec.c is compiled.
 *
 * Measured and left out: the noise-shaping feedback's weighted sum the same
 * way (after the allpass chain, over the sections' outputs just stored):
 * slower, 1.26x against 1.20x at complexity 5, likely because each vector
 * load reads four fresh scalar stores. */
#include "short_prediction_simd.h"

#undef silk_short_prediction_create_arch_coef
#define silk_short_prediction_create_arch_coef(out, in, order) natter_short_prediction_coef(out, in, order)
#undef silk_noise_shape_quantizer_short_prediction
#define silk_noise_shape_quantizer_short_prediction(in, coef, coefRev, order, arch) \
    ((void)(arch), (void)(coef), natter_short_prediction(in, coefRev, order))

#include "NSQ_del_dec_interleaved.c"
