/* The delayed-decision quantiser's noise-shaping feedback, two states at a
 * time, for the WASM builds of libopus (both voice modules; the native
 * build, the reference the benches and tests/node/voice_codec_bytes compare
 * against, keeps libopus's own code). nsq_del_dec_patch.cmake puts the call
 * into silk/NSQ_del_dec.c.
 *
 * Why: per sample and state, the feedback runs a warped allpass chain of
 * shapingLPCOrder sections (16 at complexity 5), each a subtract, a 32x16
 * multiply and an add that wait on the section before. libopus runs the
 * whole per-state body state after state, so the chains of two states
 * follow each other, and in V8's code the waits showed: perf put the
 * chain's multiply-shift pairs on the hottest lines of
 * silk_NSQ_wrapper_FLP. Run side by side, two independent chains fill the
 * wait: encoding at complexity 5 (2 states) went from 1.19x to 1.09x the
 * native CPU time (cmake/opus.cmake has the figures).
 *
 * Same arithmetic, same order per state as libopus 1.3.1's loop, so the
 * same bits: each state's chain reads its own Diff_Q14 and reads and
 * writes its own sAR2_Q14, and nothing between the old place of the chain
 * and the new one (the dither, the short-term prediction) touches them. */
#ifndef NATTER_NOISE_SHAPE_FEEDBACK_H
#define NATTER_NOISE_SHAPE_FEEDBACK_H

#include "main.h"

/* One state's chain: updates sAR2 (order entries), returns n_AR_Q14 before
 * the tilt term, as libopus's loop leaves it. */
static OPUS_INLINE opus_int32 natter_feedback_one(opus_int32 *sAR2, opus_int32 diff_Q14, opus_int order,
    opus_int warping_Q16, const opus_int16 *AR_shp_Q13)
{
    opus_int j;
    opus_int32 tmp1, tmp2, n_AR;
    celt_assert((order & 1) == 0);
    tmp2 = silk_SMLAWB(diff_Q14, sAR2[0], warping_Q16);          /* lowpass section */
    tmp1 = silk_SMLAWB(sAR2[0], sAR2[1] - tmp2, warping_Q16);    /* allpass section */
    sAR2[0] = tmp2;
    n_AR = silk_SMLAWB(silk_RSHIFT(order, 1), tmp2, AR_shp_Q13[0]);
    for (j = 2; j < order; j += 2) {
        tmp2 = silk_SMLAWB(sAR2[j - 1], sAR2[j] - tmp1, warping_Q16);
        sAR2[j - 1] = tmp1;
        n_AR = silk_SMLAWB(n_AR, tmp1, AR_shp_Q13[j - 1]);
        tmp1 = silk_SMLAWB(sAR2[j], sAR2[j + 1] - tmp2, warping_Q16);
        sAR2[j] = tmp2;
        n_AR = silk_SMLAWB(n_AR, tmp2, AR_shp_Q13[j]);
    }
    sAR2[order - 1] = tmp1;
    return silk_SMLAWB(n_AR, tmp1, AR_shp_Q13[order - 1]);
}

/* natter_feedback_one for two states, their steps interleaved. */
static OPUS_INLINE void natter_feedback_pair(opus_int32 *a, opus_int32 a_diff_Q14, opus_int32 *b, opus_int32 b_diff_Q14,
    opus_int order, opus_int warping_Q16, const opus_int16 *AR_shp_Q13, opus_int32 *a_n_AR, opus_int32 *b_n_AR)
{
    opus_int j;
    opus_int32 a1, a2, b1, b2, na, nb;
    celt_assert((order & 1) == 0);
    a2 = silk_SMLAWB(a_diff_Q14, a[0], warping_Q16);
    b2 = silk_SMLAWB(b_diff_Q14, b[0], warping_Q16);
    a1 = silk_SMLAWB(a[0], a[1] - a2, warping_Q16);
    b1 = silk_SMLAWB(b[0], b[1] - b2, warping_Q16);
    a[0] = a2;
    b[0] = b2;
    na = silk_SMLAWB(silk_RSHIFT(order, 1), a2, AR_shp_Q13[0]);
    nb = silk_SMLAWB(silk_RSHIFT(order, 1), b2, AR_shp_Q13[0]);
    for (j = 2; j < order; j += 2) {
        a2 = silk_SMLAWB(a[j - 1], a[j] - a1, warping_Q16);
        b2 = silk_SMLAWB(b[j - 1], b[j] - b1, warping_Q16);
        a[j - 1] = a1;
        b[j - 1] = b1;
        na = silk_SMLAWB(na, a1, AR_shp_Q13[j - 1]);
        nb = silk_SMLAWB(nb, b1, AR_shp_Q13[j - 1]);
        a1 = silk_SMLAWB(a[j], a[j + 1] - a2, warping_Q16);
        b1 = silk_SMLAWB(b[j], b[j + 1] - b2, warping_Q16);
        a[j] = a2;
        b[j] = b2;
        na = silk_SMLAWB(na, a2, AR_shp_Q13[j]);
        nb = silk_SMLAWB(nb, b2, AR_shp_Q13[j]);
    }
    a[order - 1] = a1;
    b[order - 1] = b1;
    *a_n_AR = silk_SMLAWB(na, a1, AR_shp_Q13[order - 1]);
    *b_n_AR = silk_SMLAWB(nb, b1, AR_shp_Q13[order - 1]);
}

/* Every state's chain for one sample, into n_AR_Q14[k]: states in pairs, an
 * odd last one alone. A macro because NSQ_del_dec.c defines the state's
 * type (NSQ_del_dec_struct) itself. */
#define NATTER_NOISE_SHAPE_FEEDBACK(psDelDec, nStates, order, warping_Q16, AR_shp_Q13, n_AR_Q14) \
    do { \
        opus_int natter_k; \
        for (natter_k = 0; natter_k + 1 < (nStates); natter_k += 2) { \
            natter_feedback_pair((psDelDec)[natter_k].sAR2_Q14, (psDelDec)[natter_k].Diff_Q14, \
                (psDelDec)[natter_k + 1].sAR2_Q14, (psDelDec)[natter_k + 1].Diff_Q14, \
                (order), (warping_Q16), (AR_shp_Q13), &(n_AR_Q14)[natter_k], &(n_AR_Q14)[natter_k + 1]); \
        } \
        if (natter_k < (nStates)) { \
            (n_AR_Q14)[natter_k] = natter_feedback_one((psDelDec)[natter_k].sAR2_Q14, \
                (psDelDec)[natter_k].Diff_Q14, (order), (warping_Q16), (AR_shp_Q13)); \
        } \
    } while (0)

#endif
