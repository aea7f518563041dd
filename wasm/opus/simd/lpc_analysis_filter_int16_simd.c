/* The SIMD voice module's (natter_opus_simd, cmake/opus.cmake) libopus 1.3.1
 * silk/LPC_analysis_filter.c: the same 16-bit residual (the quantiser
 * re-whitens its past output with it), four output samples at a time on
 * WASM SIMD.
 *
 * The scalar version sums 16x16-bit products into 32 bits, wrapping on
 * overflow; here lane j of each i32x4 holds sample ix + j. Integer adds
 * wrap alike in a lane, the products are exact (they fit in 31 bits), and
 * the rounding shift and the saturation to 16 bits are the scalar macros'
 * (silk_RSHIFT_ROUND's two shifts, not one with an add that could
 * overflow; i16x8.narrow saturates as silk_SAT16 does), so each sample is
 * the scalar one. */
#include "SigProc_FIX.h"
#include <wasm_simd128.h>

void silk_LPC_analysis_filter(
    opus_int16                  *out,               /* O    Output signal                                               */
    const opus_int16            *in,                /* I    Input signal                                                */
    const opus_int16            *B,                 /* I    MA prediction coefficients, Q12 [order]                     */
    const opus_int32            len,                /* I    Signal length                                               */
    const opus_int32            d,                  /* I    Filter order                                                */
    int                         arch                /* I    Run-time architecture                                       */
)
{
    v128_t coef[SILK_MAX_ORDER_LPC];
    opus_int32 ix, j;
    (void)arch;
    celt_assert( d >= 6 );
    celt_assert( (d & 1) == 0 );
    celt_assert( d <= len );
    celt_assert( d <= SILK_MAX_ORDER_LPC );

    for( j = 0; j < d; j++ ) coef[ j ] = wasm_i32x4_splat( B[ j ] );
    for( ix = d; ix + 3 < len; ix += 4 ) {
        const opus_int16 *in_ptr = &in[ ix - 1 ];
        v128_t acc = wasm_i32x4_mul( wasm_i32x4_load16x4( in_ptr ), coef[ 0 ] );
        for( j = 1; j < d; j++ ) acc = wasm_i32x4_add( acc, wasm_i32x4_mul( wasm_i32x4_load16x4( in_ptr - j ), coef[ j ] ) );
        acc = wasm_i32x4_sub( wasm_i32x4_shl( wasm_i32x4_load16x4( in_ptr + 1 ), 12 ), acc );
        acc = wasm_i32x4_shr( wasm_i32x4_add( wasm_i32x4_shr( acc, 11 ), wasm_i32x4_splat( 1 ) ), 1 );
        wasm_v128_store64_lane( &out[ ix ], wasm_i16x8_narrow_i32x4( acc, acc ), 0 );
    }
    for( ; ix < len; ix++ ) {
        const opus_int16 *in_ptr = &in[ ix - 1 ];
        opus_int32 out32_Q12 = silk_SMULBB( in_ptr[ 0 ], B[ 0 ] );
        for( j = 1; j < d; j++ ) out32_Q12 = silk_SMLABB_ovflw( out32_Q12, in_ptr[ -j ], B[ j ] );
        out32_Q12 = silk_SUB32_ovflw( silk_LSHIFT( (opus_int32)in_ptr[ 1 ], 12 ), out32_Q12 );
        out[ ix ] = (opus_int16)silk_SAT16( silk_RSHIFT_ROUND( out32_Q12, 12 ) );
    }

    /* Set first d output samples to zero */
    silk_memset( out, 0, d * sizeof( opus_int16 ) );
}
