/* The delayed-decision quantiser's short-term prediction on WASM SIMD, for
 * nsq_del_dec_simd.c (and the kernel check, tests/wasm_kernels/).
 *
 * The scalar version (silk/NSQ.h) sums 10 or 16 terms
 * silk_SMLAWB(out, buf32[-k], coef16[k]), each (buf32[-k] * coef16[k]) >> 16
 * in 64 bits, which always fits 32 bits; a sum of 32-bit integers wraps the
 * same in any order, so four lanes give the scalar result bit for bit. */
#ifndef NATTER_SHORT_PREDICTION_SIMD_H
#define NATTER_SHORT_PREDICTION_SIMD_H

#include "main.h"
#include "NSQ.h"
#include <wasm_simd128.h>

/* Once per subframe: the coefficients reversed and widened to 32 bits,
 * zero above `order`. */
static OPUS_INLINE void natter_short_prediction_coef(opus_int32 *out, const opus_int16 *in, opus_int order)
{
    opus_int k;
    for (k = 0; k < MAX_LPC_ORDER; k++) out[k] = 0;
    for (k = 0; k < order; k++) out[MAX_LPC_ORDER - 1 - k] = in[k];
}

/* buf32[-15..0] against coefRev[0..15]: lane by lane, the 64-bit products'
 * bits 16..47 (the >> 16, kept to 32 bits) summed in 32 bits. buf32[-15]
 * is inside the quantiser's LPC history (NSQ_LPC_BUF_LENGTH = 16). */
static inline __attribute__((always_inline)) opus_int32 natter_short_prediction(const opus_int32 *buf32, const opus_int32 *coefRev, opus_int order)
{
    const opus_int32 *b = buf32 - (MAX_LPC_ORDER - 1);
    v128_t acc = wasm_i32x4_splat(0);
    opus_int k;
    for (k = 0; k < MAX_LPC_ORDER; k += 4) {
        v128_t x = wasm_v128_load(b + k);
        v128_t c = wasm_v128_load(coefRev + k);
        v128_t lo = wasm_i64x2_extmul_low_i32x4(x, c);
        v128_t hi = wasm_i64x2_extmul_high_i32x4(x, c);
        acc = wasm_i32x4_add(acc, wasm_i8x16_shuffle(lo, hi,
            2, 3, 4, 5, 10, 11, 12, 13, 18, 19, 20, 21, 26, 27, 28, 29));
    }
    acc = wasm_i32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
    acc = wasm_i32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 1, 0, 3, 2));
    return silk_RSHIFT(order, 1) + wasm_i32x4_extract_lane(acc, 0);
}

#endif
