/*
 * One pocketsphinx decoder kept loaded for many utterances: the gateway's
 * recogniser (stt-pocketsphinx.mjs) sends each utterance over stdin and reads
 * its words from stdout, instead of starting pocketsphinx_continuous (which
 * loads the acoustic model, the dictionary and the grammar) for every one.
 *
 *   natter-recogniser -hmm DIR -dict FILE -jsgf FILE [-wip X] [-logfn F]
 *     (any pocketsphinx option, as pocketsphinx_continuous takes them)
 *   in:  per utterance, a little-endian uint32 count n, then n samples of
 *        16 kHz mono signed 16-bit little-endian PCM; end of input ends it
 *   out: per utterance one line: the words heard ('' when none)
 *
 * Each utterance is decoded as pocketsphinx_continuous -infile decodes a file
 * (the same 2,048-sample reads, the same split on the voice activity
 * detector's pauses, the pieces' words joined by a space), and starts from
 * the same cepstral mean as a fresh process, so the words do not depend on
 * what was heard before.
 */
#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/feat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 10 minutes at 16 kHz: far above any turn (the gateway cuts at 30 s). */
#define MAX_SAMPLES (16000u * 600u)
#define READ_SAMPLES 2048

static int read_exact(void *buf, size_t n) {
    return fread(buf, 1, n, stdin) == n;
}

/* Appends a piece's words to the line, a space between pieces. */
static void add_words(char **line, size_t *len, const char *words) {
    if (words == NULL || words[0] == '\0') return;
    size_t add = strlen(words);
    *line = realloc(*line, *len + add + 2);
    if (*line == NULL) { fprintf(stderr, "natter-recogniser: out of memory\n"); exit(2); }
    if (*len > 0) (*line)[(*len)++] = ' ';
    memcpy(*line + *len, words, add);
    *len += add;
    (*line)[*len] = '\0';
}

static void decode(ps_decoder_t *ps, const int16 *pcm, uint32_t n, char **line, size_t *len) {
    uint8 started = FALSE;
    ps_start_utt(ps);
    for (uint32_t at = 0; at < n; at += READ_SAMPLES) {
        uint32_t k = n - at < READ_SAMPLES ? n - at : READ_SAMPLES;
        ps_process_raw(ps, pcm + at, k, FALSE, FALSE);
        uint8 in_speech = ps_get_in_speech(ps);
        if (in_speech && !started) started = TRUE;
        if (!in_speech && started) {
            ps_end_utt(ps);
            add_words(line, len, ps_get_hyp(ps, NULL));
            ps_start_utt(ps);
            started = FALSE;
        }
    }
    ps_end_utt(ps);
    if (started) add_words(line, len, ps_get_hyp(ps, NULL));
}

int main(int argc, char *argv[]) {
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
    if (config == NULL) { fprintf(stderr, "natter-recogniser: bad options\n"); return 2; }
    ps_default_search_args(config);
    ps_decoder_t *ps = ps_init(config);
    if (ps == NULL) { fprintf(stderr, "natter-recogniser: the decoder did not start\n"); return 2; }
    feat_t *feat = ps_get_feat(ps);
    cmn_t *cmn = feat->cmn_struct;
    mfcc_t *fresh_mean = calloc(cmn->veclen, sizeof(mfcc_t));
    cmn_live_get(cmn, fresh_mean);

    int16 *pcm = NULL;
    uint32_t capacity = 0;
    unsigned char head[4];
    while (read_exact(head, 4)) {
        uint32_t n = (uint32_t)head[0] | (uint32_t)head[1] << 8 | (uint32_t)head[2] << 16 | (uint32_t)head[3] << 24;
        if (n > MAX_SAMPLES) { fprintf(stderr, "natter-recogniser: utterance of %u samples refused\n", n); return 2; }
        if (n > capacity) {
            pcm = realloc(pcm, (size_t)n * sizeof(int16));
            if (pcm == NULL) { fprintf(stderr, "natter-recogniser: out of memory\n"); return 2; }
            capacity = n;
        }
        if (n > 0 && !read_exact(pcm, (size_t)n * sizeof(int16))) break;
        cmn_live_set(cmn, fresh_mean);
        char *line = NULL;
        size_t len = 0;
        decode(ps, pcm, n, &line, &len);
        printf("%s\n", line ? line : "");
        fflush(stdout);
        free(line);
    }
    free(pcm);
    free(fresh_mean);
    ps_free(ps);
    cmd_ln_free_r(config);
    return 0;
}
