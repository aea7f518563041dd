/* The SIMD voice module's (natter_opus_simd, cmake/opus.cmake) libopus 1.3.1
 * silk/float/inner_product_FLP.c: the same sum of double products on WASM
 * SIMD. (silk_energy_FLP the same way measured no faster, so it stays.)
 *
 * The scalar version adds, per four samples, ((p0 + p1) + p2) + p3 to the
 * running sum, each p the double product of two floats. Here the four
 * products come from two f64x2 multiplies (float to double is exact, and a
 * double multiply rounds the same in a lane as alone), and are added in the
 * same order, so the result is bit for bit the scalar one. */
#include "SigProc_FLP.h"
#include <wasm_simd128.h>

/* ((p0 + p1) + p2) + p3 of a[i] * b[i], i = 0..3, in double. */
static inline __attribute__((always_inline)) double natter_sum4_products(v128_t a, v128_t b)
{
    v128_t p01 = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(a), wasm_f64x2_promote_low_f32x4(b));
    v128_t p23 = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(a, a, 2, 3, 2, 3)),
                                wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(b, b, 2, 3, 2, 3)));
    return ((wasm_f64x2_extract_lane(p01, 0) + wasm_f64x2_extract_lane(p01, 1))
            + wasm_f64x2_extract_lane(p23, 0)) + wasm_f64x2_extract_lane(p23, 1);
}

double silk_inner_product_FLP(const silk_float *data1, const silk_float *data2, opus_int dataSize)
{
    opus_int i;
    double result = 0.0;
    for (i = 0; i < dataSize - 3; i += 4)
        result += natter_sum4_products(wasm_v128_load(data1 + i), wasm_v128_load(data2 + i));
    for (; i < dataSize; i++) result += data1[i] * (double)data2[i];
    return result;
}
