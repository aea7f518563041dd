/* Stands in for libopus's tonality analysis (src/analysis.c, mlp.c,
 * mlp_data.c) when NATTER_OPUS_TONALITY_ANALYSIS is OFF (cmake/opus.cmake).
 *
 * The float encoder runs that analysis only at complexity >= 7 with
 * Fs >= 16 kHz (src/opus_encoder.c, opus_encode_native: the only caller of
 * run_analysis). Below that it never calls it and reads nothing from its
 * state, so a call at the product's complexity 5 encodes exactly as with the
 * real analysis. At complexity >= 7 the encoder now sees what it sees below
 * 7: no valid analysis (analysis_info.valid == 0), so no music/speech,
 * bandwidth or activity estimate from it. Measured against the real
 * analysis (natter_opus_encode_cli, 24 kbit/s at 48 kHz and 16 kbit/s at
 * 16 kHz, complexity 0-10): 20 s of espeak speech (and the same decimated
 * to 16 kHz) gave the same packets at every complexity (the encoder is set
 * to OPUS_SIGNAL_VOICE); a 16 kHz chirp gave other packets at 7-10, the
 * same at 0-6.
 *
 * Our code, not libopus's: libopus has no switch that removes the analysis
 * alone from a float build (DISABLE_FLOAT_API also removes the float API and
 * does not build cleanly). Both the native and the WASM build use this file,
 * so their packets stay byte-identical at every complexity. */
#include "analysis.h"
#include "os_support.h"

void tonality_analysis_init(TonalityAnalysisState *tonal, opus_int32 Fs)
{
   OPUS_CLEAR(tonal, 1);
   tonal->Fs = Fs;
}

void tonality_analysis_reset(TonalityAnalysisState *tonal)
{
   (void)tonal;
}

void tonality_get_info(TonalityAnalysisState *tonal, AnalysisInfo *info_out, int len)
{
   (void)tonal;
   (void)len;
   OPUS_CLEAR(info_out, 1);
}

void run_analysis(TonalityAnalysisState *analysis, const CELTMode *celt_mode, const void *analysis_pcm,
                 int analysis_frame_size, int frame_size, int c1, int c2, int C, opus_int32 Fs,
                 int lsb_depth, downmix_func downmix, AnalysisInfo *analysis_info)
{
   (void)analysis; (void)celt_mode; (void)analysis_pcm; (void)analysis_frame_size;
   (void)frame_size; (void)c1; (void)c2; (void)C; (void)Fs; (void)lsb_depth; (void)downmix;
   /* All of it, so nothing the encoder reads (activity_probability among
    * them) is left uninitialised: valid == 0, every estimate 0. */
   OPUS_CLEAR(analysis_info, 1);
}
