/* The SIMD voice module's (natter_opus_simd, cmake/opus.cmake) libopus 1.3.1
 * silk/resampler_private_down_FIR.c: the same down-sampled signal, with the
 * symmetric FIR filters (orders 24 and 36: 2:1, and 3:1 as the encoder's
 * 48 -> 16 kHz) summed four taps at a time on WASM SIMD. The interpolating
 * order-18 filter (4:3, 3:2) is libopus's own, included below.
 *
 * Each tap is silk_SMLAWB: a 32x16-bit product, floored by 16 bits, added
 * into a 32-bit sum that wraps. Here per lane as (b >> 16) * c plus
 * ((b & 0xFFFF) * c) >> 16, which is the floored product exactly for every
 * int32 b and int16 c (neither part overflows 32 bits). Wrapping adds are
 * associative, so summing the terms across lanes and then across the
 * vector gives the scalar sum bit for bit; the tap pairs are added first
 * (silk_ADD32) as in the scalar code, and silk_RSHIFT_ROUND and silk_SAT16
 * follow as there, four outputs at once. */
#include "SigProc_FIX.h"
#include "resampler_private.h"
#include "stack_alloc.h"
#include <wasm_simd128.h>

/* libopus's file under another name: its static interpolating filter
 * (silk_resampler_private_down_FIR_INTERPOL) serves the order-18 case. */
#define silk_resampler_private_down_FIR natter_scalar_resampler_private_down_FIR
#include "resampler_private_down_FIR.c"
#undef silk_resampler_private_down_FIR

/* silk_SMULWB per lane: floor(b * (opus_int16)c / 2^16), c already int16. */
static OPUS_INLINE v128_t natter_smulwb(v128_t b, v128_t c)
{
    v128_t hi = wasm_i32x4_mul(wasm_i32x4_shr(b, 16), c);
    v128_t lo = wasm_i32x4_mul(wasm_v128_and(b, wasm_i32x4_splat(0xFFFF)), c);
    return wasm_i32x4_add(hi, wasm_i32x4_shr(lo, 16));
}

static OPUS_INLINE v128_t natter_reversed(const opus_int32 *p)
{
    v128_t v = wasm_v128_load(p);
    return wasm_i32x4_shuffle(v, v, 3, 2, 1, 0);
}

/* The sum of the order/2 tap pairs at p, in the lanes of one vector (added
 * across them by the caller). Order 24: pairs 0-11, three vectors; order
 * 36: pairs 0-17, four vectors and one whose lanes 2 and 3 repeat pairs 17
 * and 16 (their coefficients are zero in coef[4]). */
static OPUS_INLINE v128_t natter_symmetric_terms(const opus_int32 *p, const v128_t *coef, opus_int order)
{
    v128_t acc = natter_smulwb(wasm_i32x4_add(wasm_v128_load(p), natter_reversed(p + order - 4)), coef[0]);
    acc = wasm_i32x4_add(acc, natter_smulwb(wasm_i32x4_add(wasm_v128_load(p + 4), natter_reversed(p + order - 8)), coef[1]));
    acc = wasm_i32x4_add(acc, natter_smulwb(wasm_i32x4_add(wasm_v128_load(p + 8), natter_reversed(p + order - 12)), coef[2]));
    if (order == RESAMPLER_DOWN_ORDER_FIR2) {
        v128_t mid = wasm_v128_load(p + 16);
        acc = wasm_i32x4_add(acc, natter_smulwb(wasm_i32x4_add(wasm_v128_load(p + 12), natter_reversed(p + 20)), coef[3]));
        acc = wasm_i32x4_add(acc, natter_smulwb(wasm_i32x4_add(mid, wasm_i32x4_shuffle(mid, mid, 3, 2, 1, 0)), coef[4]));
    }
    return acc;
}

/* The symmetric filters (FIR_Fracs is 1): out[k] from buf at index_Q16 >> 16. */
static OPUS_INLINE opus_int16 *natter_down_FIR_symmetric(opus_int16 *out, const opus_int32 *buf,
    const opus_int16 *FIR_Coefs, const opus_int order, opus_int32 max_index_Q16, opus_int32 index_increment_Q16)
{
    v128_t coef[5];
    opus_int32 c[20] = { 0 };
    opus_int32 index_Q16 = 0;
    opus_int k;
    for (k = 0; k < order / 2; k++) c[k] = FIR_Coefs[k];
    for (k = 0; k < 5; k++) coef[k] = wasm_v128_load(&c[4 * k]);
    for (; index_Q16 + 3 * index_increment_Q16 < max_index_Q16; index_Q16 += 4 * index_increment_Q16) {
        v128_t a0 = natter_symmetric_terms(buf + silk_RSHIFT(index_Q16, 16), coef, order);
        v128_t a1 = natter_symmetric_terms(buf + silk_RSHIFT(index_Q16 + index_increment_Q16, 16), coef, order);
        v128_t a2 = natter_symmetric_terms(buf + silk_RSHIFT(index_Q16 + 2 * index_increment_Q16, 16), coef, order);
        v128_t a3 = natter_symmetric_terms(buf + silk_RSHIFT(index_Q16 + 3 * index_increment_Q16, 16), coef, order);
        /* Lane k of res: the sum of ak's lanes. */
        v128_t a01 = wasm_i32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
        v128_t a23 = wasm_i32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5), wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
        v128_t res = wasm_i32x4_add(wasm_i32x4_shuffle(a01, a23, 0, 1, 4, 5), wasm_i32x4_shuffle(a01, a23, 2, 3, 6, 7));
        /* silk_RSHIFT_ROUND(res, 6), then silk_SAT16 (the narrow saturates). */
        res = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_shr(res, 5), wasm_i32x4_splat(1)), 1);
        wasm_v128_store64_lane(out, wasm_i16x8_narrow_i32x4(res, res), 0);
        out += 4;
    }
    for (; index_Q16 < max_index_Q16; index_Q16 += index_increment_Q16) {
        v128_t a = natter_symmetric_terms(buf + silk_RSHIFT(index_Q16, 16), coef, order);
        a = wasm_i32x4_add(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
        a = wasm_i32x4_add(a, wasm_i32x4_shuffle(a, a, 1, 0, 3, 2));
        *out++ = (opus_int16)silk_SAT16(silk_RSHIFT_ROUND(wasm_i32x4_extract_lane(a, 0), 6));
    }
    return out;
}

/* From here as libopus's silk_resampler_private_down_FIR, but for the call
 * that filters each batch. */
void silk_resampler_private_down_FIR(
    void                            *SS,            /* I/O  Resampler state             */
    opus_int16                      out[],          /* O    Output signal               */
    const opus_int16                in[],           /* I    Input signal                */
    opus_int32                      inLen           /* I    Number of input samples     */
)
{
    silk_resampler_state_struct *S = (silk_resampler_state_struct *)SS;
    opus_int32 nSamplesIn;
    opus_int32 max_index_Q16, index_increment_Q16;
    VARDECL( opus_int32, buf );
    const opus_int16 *FIR_Coefs;
    SAVE_STACK;

    ALLOC( buf, S->batchSize + S->FIR_Order, opus_int32 );

    /* Copy buffered samples to start of buffer */
    silk_memcpy( buf, S->sFIR.i32, S->FIR_Order * sizeof( opus_int32 ) );

    FIR_Coefs = &S->Coefs[ 2 ];

    /* Iterate over blocks of frameSizeIn input samples */
    index_increment_Q16 = S->invRatio_Q16;
    while( 1 ) {
        nSamplesIn = silk_min( inLen, S->batchSize );

        /* Second-order AR filter (output in Q8) */
        silk_resampler_private_AR2( S->sIIR, &buf[ S->FIR_Order ], in, S->Coefs, nSamplesIn );

        max_index_Q16 = silk_LSHIFT32( nSamplesIn, 16 );

        /* Interpolate filtered signal */
        if( S->FIR_Order == RESAMPLER_DOWN_ORDER_FIR2 ) {
            out = natter_down_FIR_symmetric( out, buf, FIR_Coefs, RESAMPLER_DOWN_ORDER_FIR2, max_index_Q16, index_increment_Q16 );
        } else if( S->FIR_Order == RESAMPLER_DOWN_ORDER_FIR1 ) {
            out = natter_down_FIR_symmetric( out, buf, FIR_Coefs, RESAMPLER_DOWN_ORDER_FIR1, max_index_Q16, index_increment_Q16 );
        } else {
            out = silk_resampler_private_down_FIR_INTERPOL( out, buf, FIR_Coefs, S->FIR_Order,
                S->FIR_Fracs, max_index_Q16, index_increment_Q16 );
        }

        in += nSamplesIn;
        inLen -= nSamplesIn;

        if( inLen > 1 ) {
            /* More iterations to do; copy last part of filtered signal to beginning of buffer */
            silk_memcpy( buf, &buf[ nSamplesIn ], S->FIR_Order * sizeof( opus_int32 ) );
        } else {
            break;
        }
    }

    /* Copy last part of filtered signal to the state for the next call */
    silk_memcpy( S->sFIR.i32, &buf[ nSamplesIn ], S->FIR_Order * sizeof( opus_int32 ) );
    RESTORE_STACK;
}
