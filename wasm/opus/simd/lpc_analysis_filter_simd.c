/* The SIMD voice module's (natter_opus_simd, cmake/opus.cmake) libopus 1.3.1
 * silk/float/LPC_analysis_filter_FLP.c: the same residual, four output
 * samples at a time on WASM SIMD.
 *
 * The scalar version computes each sample's prediction as a float sum,
 * left to right: ((s[-1] c0 + s[-2] c1) + s[-3] c2) + ... Here lane j of
 * each f32x4 holds sample ix + j, and every lane makes the same float
 * multiplies and adds in the same order (no fused multiply-add: opus.cmake
 * builds with -ffp-contract=off), so each residual is bit for bit the
 * scalar one. Samples are independent of one another (the filter reads the
 * input only), which is what lets four run side by side. */
#include "main_FLP.h"
#include <wasm_simd128.h>

/* r[ix] = s[ix] - sum over k of s[ix - 1 - k] * c[k], for ix in [order,
 * length); `order` is a constant at each call, so the loops unroll. */
static inline __attribute__((always_inline)) void natter_lpc_residual(
    silk_float r[], const silk_float c[], const silk_float s[], opus_int length, const opus_int order)
{
    v128_t coef[MAX_LPC_ORDER];
    opus_int ix, k;
    for (k = 0; k < order; k++) coef[k] = wasm_f32x4_splat(c[k]);
    for (ix = order; ix + 3 < length; ix += 4) {
        const silk_float *s_ptr = &s[ix - 1];
        v128_t pred = wasm_f32x4_mul(wasm_v128_load(s_ptr), coef[0]);
        for (k = 1; k < order; k++) pred = wasm_f32x4_add(pred, wasm_f32x4_mul(wasm_v128_load(s_ptr - k), coef[k]));
        wasm_v128_store(&r[ix], wasm_f32x4_sub(wasm_v128_load(s_ptr + 1), pred));
    }
    for (; ix < length; ix++) {
        const silk_float *s_ptr = &s[ix - 1];
        silk_float pred = s_ptr[0] * c[0];
        for (k = 1; k < order; k++) pred = pred + s_ptr[-k] * c[k];
        r[ix] = s_ptr[1] - pred;
    }
}

void silk_LPC_analysis_filter_FLP(
    silk_float                      r_LPC[],                            /* O    LPC residual signal                         */
    const silk_float                PredCoef[],                         /* I    LPC coefficients                            */
    const silk_float                s[],                                /* I    Input signal                                */
    const opus_int                  length,                             /* I    Length of input signal                      */
    const opus_int                  Order                               /* I    LPC order                                   */
)
{
    celt_assert( Order <= length );
    switch( Order ) {
        case 6:  natter_lpc_residual( r_LPC, PredCoef, s, length, 6 );  break;
        case 8:  natter_lpc_residual( r_LPC, PredCoef, s, length, 8 );  break;
        case 10: natter_lpc_residual( r_LPC, PredCoef, s, length, 10 ); break;
        case 12: natter_lpc_residual( r_LPC, PredCoef, s, length, 12 ); break;
        case 16: natter_lpc_residual( r_LPC, PredCoef, s, length, 16 ); break;
        default: celt_assert( 0 ); break;
    }
    /* Set first Order output samples to zero */
    silk_memset( r_LPC, 0, Order * sizeof( silk_float ) );
}
