/* The SIMD voice module's vector kernels (wasm/opus/simd/) against the
 * scalar libopus code they stand in for, in one WASM module, on inputs
 * the node test (tests/node/opus_simd_kernels.test.mjs) generates. The
 * packets test cannot see every difference: a double sum added in another
 * order changed no packet of 20 s of speech, so each kernel is compared
 * here, bit for bit.
 *
 * Scalar references: libopus's own silk/float/inner_product_FLP.c,
 * silk/float/LPC_analysis_filter_FLP.c, silk/LPC_analysis_filter.c and
 * silk/resampler_private_down_FIR.c (compiled in here under other names,
 * or, the last, by the SIMD file itself) and NSQ.h's
 * silk_noise_shape_quantizer_short_prediction_c. */
#include <emscripten.h>
#include <string.h>

#define silk_inner_product_FLP natter_scalar_inner_product_FLP
#include "float/inner_product_FLP.c"
#undef silk_inner_product_FLP
double silk_inner_product_FLP(const silk_float *data1, const silk_float *data2, opus_int dataSize);

#define silk_LPC_analysis_filter_FLP natter_scalar_LPC_analysis_filter_FLP
#include "float/LPC_analysis_filter_FLP.c"
#undef silk_LPC_analysis_filter_FLP
void silk_LPC_analysis_filter_FLP(silk_float r_LPC[], const silk_float PredCoef[], const silk_float s[],
    const opus_int length, const opus_int Order);

#define silk_LPC_analysis_filter natter_scalar_LPC_analysis_filter
#include "LPC_analysis_filter.c"
#undef silk_LPC_analysis_filter
void silk_LPC_analysis_filter(opus_int16 *out, const opus_int16 *in, const opus_int16 *B, const opus_int32 len,
    const opus_int32 d, int arch);

#include "short_prediction_simd.h"
#include "resampler_private.h"
void natter_scalar_resampler_private_down_FIR(void *SS, opus_int16 out[], const opus_int16 in[], opus_int32 inLen);

#define MAX_N 1024
static float a[MAX_N], b[MAX_N], simd_out[MAX_N], scalar_out[MAX_N];
static opus_int16 in16[MAX_N], simd_out16[MAX_N], scalar_out16[MAX_N];
static opus_int32 buf[MAX_LPC_ORDER];
static opus_int16 coef[MAX_LPC_ORDER];

/* The node test writes the inputs here. */
EMSCRIPTEN_KEEPALIVE float *natter_kernel_a(void) { return a; }
EMSCRIPTEN_KEEPALIVE float *natter_kernel_b(void) { return b; }
EMSCRIPTEN_KEEPALIVE opus_int32 *natter_kernel_buf(void) { return buf; }
EMSCRIPTEN_KEEPALIVE opus_int16 *natter_kernel_coef(void) { return coef; }
EMSCRIPTEN_KEEPALIVE opus_int16 *natter_kernel_in16(void) { return in16; }

/* 1 when the SIMD inner product of a[0..n) and b[0..n) has the scalar one's bits. */
EMSCRIPTEN_KEEPALIVE int natter_inner_product_same(int n)
{
    double simd = silk_inner_product_FLP(a, b, n);
    double scalar = natter_scalar_inner_product_FLP(a, b, n);
    return memcmp(&simd, &scalar, sizeof simd) == 0;
}

/* 1 when the SIMD short prediction over buf (buf[15] is buf32[0]) and
 * coef[0..order) equals the scalar one. */
EMSCRIPTEN_KEEPALIVE int natter_short_prediction_same(int order)
{
    opus_int32 rev[MAX_LPC_ORDER];
    natter_short_prediction_coef(rev, coef, order);
    return natter_short_prediction(buf + MAX_LPC_ORDER - 1, rev, order)
        == silk_noise_shape_quantizer_short_prediction_c(buf + MAX_LPC_ORDER - 1, coef, order);
}

/* 1 when the SIMD LPC residual of a[0..length) with the order coefficients
 * in b has the scalar one's bits, every sample (the first order are zero in
 * both). The outputs start filled with different junk, so a sample either
 * leaves unwritten shows. */
EMSCRIPTEN_KEEPALIVE int natter_lpc_analysis_filter_same(int length, int order)
{
    memset(simd_out, 0x7f, sizeof simd_out);
    memset(scalar_out, 0x3c, sizeof scalar_out);
    silk_LPC_analysis_filter_FLP(simd_out, b, a, length, order);
    natter_scalar_LPC_analysis_filter_FLP(scalar_out, b, a, length, order);
    return memcmp(simd_out, scalar_out, length * sizeof(float)) == 0;
}

/* 1 when the SIMD 16-bit LPC residual of in16[0..length) with the order
 * Q12 coefficients in coef equals the scalar one, every sample (outputs
 * start filled with different junk, as above). */
EMSCRIPTEN_KEEPALIVE int natter_lpc_analysis_filter_int16_same(int length, int order)
{
    memset(simd_out16, 0x7f, sizeof simd_out16);
    memset(scalar_out16, 0x3c, sizeof scalar_out16);
    silk_LPC_analysis_filter(simd_out16, in16, coef, length, order, 0);
    natter_scalar_LPC_analysis_filter(scalar_out16, in16, coef, length, order, 0);
    return memcmp(simd_out16, scalar_out16, length * sizeof(opus_int16)) == 0;
}

/* 1 when the SIMD down-sampler from fs_in to fs_out Hz (an encoder's
 * resampler: silk_resampler_init picks the filter) gives the scalar one's
 * output and state, over `calls` calls in a row, each on in16[0..length).
 * The outputs start filled with different junk, so a sample either leaves
 * unwritten shows. */
EMSCRIPTEN_KEEPALIVE int natter_resampler_down_FIR_same(int fs_in, int fs_out, int length, int calls)
{
    silk_resampler_state_struct simd, scalar;
    if (silk_resampler_init(&simd, fs_in, fs_out, 1) != 0 || simd.resampler_function != 3) return -1;
    scalar = simd;
    for (int call = 0; call < calls; call++) {
        /* What each call writes: every index_Q16 < nSamplesIn << 16 of each
         * batch, as the scalar code steps them. */
        int written = 0;
        for (opus_int32 left = length; ; ) {
            opus_int32 batch = silk_min(left, simd.batchSize);
            for (opus_int32 index_Q16 = 0; index_Q16 < silk_LSHIFT32(batch, 16); index_Q16 += simd.invRatio_Q16) written++;
            left -= batch;
            if (left <= 1) break;
        }
        memset(simd_out16, 0x7f, sizeof simd_out16);
        memset(scalar_out16, 0x3c, sizeof scalar_out16);
        silk_resampler_private_down_FIR(&simd, simd_out16, in16, length);
        natter_scalar_resampler_private_down_FIR(&scalar, scalar_out16, in16, length);
        if (written > MAX_N || memcmp(simd_out16, scalar_out16, written * sizeof(opus_int16)) != 0
            || memcmp(&simd, &scalar, sizeof simd) != 0) return 0;
    }
    return 1;
}
