# libopus: pinned source release, fetched and verified by tools/fetch-opus.sh,
# compiled here from its own source lists for both targets.
#
# Why not its own build: the 1.3.1 tarball's CMake is broken and its
# config.sub rejects emscripten. So we read celt_sources.mk, silk_sources.mk
# and opus_sources.mk and compile the portable float sources ourselves, with
# the defines its config.h would give. No x86/ARM intrinsics and no FMA
# contraction, so the native and the WASM encoder produce identical bytes
# (tests/node/voice_codec_bytes.test.mjs checks that).
#
# Defines: natter_opus (static C library; PUBLIC include dir = opus include/,
# so users write #include <opus.h>). Nothing in the text core links it.

set(NATTER_OPUS_VERSION 1.3.1)

execute_process(
  COMMAND bash "${PROJECT_SOURCE_DIR}/tools/fetch-opus.sh"
  RESULT_VARIABLE _opus_fetch_rc
  OUTPUT_VARIABLE _opus_fetch_out
  ERROR_VARIABLE _opus_fetch_err
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _opus_fetch_rc EQUAL 0)
  message(FATAL_ERROR "tools/fetch-opus.sh failed (exit ${_opus_fetch_rc}):\n${_opus_fetch_err}\n"
    "libopus ${NATTER_OPUS_VERSION} source is required; run `bash tools/fetch-opus.sh` to see why.")
endif()
# The script prints the source dir on its last line.
string(REGEX REPLACE "^.*\n" "" NATTER_OPUS_DIR "${_opus_fetch_out}")
if(NOT EXISTS "${NATTER_OPUS_DIR}/include/opus.h")
  message(FATAL_ERROR "tools/fetch-opus.sh printed '${NATTER_OPUS_DIR}', which holds no include/opus.h")
endif()

# natter_opus_read_mk(<file.mk> <VAR>...): for each VAR, sets NATTER_OPUS_<VAR>
# to the list of absolute paths assigned to VAR in the automake fragment.
function(natter_opus_read_mk mk_file)
  file(READ "${NATTER_OPUS_DIR}/${mk_file}" _text)
  string(REGEX REPLACE "\\\\\r?\n" " " _text "${_text}")    # join continuations
  foreach(_var IN LISTS ARGN)
    if(NOT _text MATCHES "(^|\n)${_var}[ \t]*=([^\n]*)")
      message(FATAL_ERROR "${mk_file}: no ${_var} list (did the libopus version change?)")
    endif()
    string(STRIP "${CMAKE_MATCH_2}" _files)
    separate_arguments(_files UNIX_COMMAND "${_files}")
    list(TRANSFORM _files PREPEND "${NATTER_OPUS_DIR}/")
    if(_files STREQUAL "")
      message(FATAL_ERROR "${mk_file}: ${_var} is empty")
    endif()
    set(NATTER_OPUS_${_var} "${_files}" PARENT_SCOPE)
  endforeach()
endfunction()

natter_opus_read_mk(celt_sources.mk CELT_SOURCES)
natter_opus_read_mk(silk_sources.mk SILK_SOURCES SILK_SOURCES_FLOAT)
natter_opus_read_mk(opus_sources.mk OPUS_SOURCES OPUS_SOURCES_FLOAT)

# The encoder's tonality analysis (OPUS_SOURCES_FLOAT: analysis.c, mlp.c,
# mlp_data.c) runs only at complexity >= 7; the product encodes at 5. OFF:
# wasm/opus/no_analysis.c stands in for it, in the native and the WASM
# build alike (what that changes, and what not, is said there).
option(NATTER_OPUS_TONALITY_ANALYSIS "libopus: build the encoder's tonality analysis (used at complexity >= 7)" OFF)
if(NATTER_OPUS_TONALITY_ANALYSIS)
  set(_opus_analysis ${NATTER_OPUS_OPUS_SOURCES_FLOAT})
else()
  set(_opus_analysis "${PROJECT_SOURCE_DIR}/wasm/opus/no_analysis.c")
  set_source_files_properties(${_opus_analysis} PROPERTIES INCLUDE_DIRECTORIES "${NATTER_OPUS_DIR}/src")
endif()
set(NATTER_OPUS_SOURCES
  ${NATTER_OPUS_CELT_SOURCES}
  ${NATTER_OPUS_SILK_SOURCES} ${NATTER_OPUS_SILK_SOURCES_FLOAT}
  ${NATTER_OPUS_OPUS_SOURCES} ${_opus_analysis})
# In WASM, silk/NSQ_del_dec.c with the noise-shaping feedback two states at a
# time (wasm/opus/wasm_patch/: why, and why the packets stay byte-identical);
# the native build, the reference, compiles the original. Encode CPU against
# native, min / median of 11 interleaved runs (load about 1): complexity 5
# 1.17x / 1.19x -> 1.07x / 1.09x, 10 1.05x / 1.08x -> 0.91x / 0.92x; the
# scalar build 1.25x / 1.28x -> 1.16x / 1.17x at 5. +247 B gzipped.
if(EMSCRIPTEN)
  include("${PROJECT_SOURCE_DIR}/wasm/opus/wasm_patch/nsq_del_dec_patch.cmake")
  natter_opus_interleaved_nsq_del_dec(NATTER_OPUS_NSQ_DEL_DEC)
  list(FIND NATTER_OPUS_SOURCES "${NATTER_OPUS_DIR}/silk/NSQ_del_dec.c" _opus_nsq_at)
  if(_opus_nsq_at EQUAL -1)
    message(FATAL_ERROR "libopus ${NATTER_OPUS_VERSION}: silk/NSQ_del_dec.c is not in silk_sources.mk")
  endif()
  list(REMOVE_AT NATTER_OPUS_SOURCES ${_opus_nsq_at})
  list(INSERT NATTER_OPUS_SOURCES ${_opus_nsq_at} "${NATTER_OPUS_NSQ_DEL_DEC}")
endif()
add_library(natter_opus STATIC ${NATTER_OPUS_SOURCES})
set(NATTER_OPUS_TARGETS natter_opus)
# natter_opus_simd (WASM only; the voice module engines with WASM SIMD get,
# wasm/CMakeLists.txt): natter_opus with five files on WASM SIMD where WASM
# lost most to native, each giving the scalar result bit for bit (the files,
# wasm/opus/simd/, say why). Only those files are built with -msimd128: on
# all of libopus it made encoding slower (below). The last two, the float
# LPC analysis filter (4 % of the WASM encoder's time at complexity 5, 1.35x
# its native time, perf on Node) and the 16-bit one (2 %, 2x its native
# time): the first alone c5 1.108x / 1.156x -> 1.087x / 1.059x of native
# (min / median of 31 interleaved runs, Node, load about 1), c10 0.968x ->
# 0.948x (min), +148 B gzipped; both, against neither, 25 runs: c5 min
# 1.122x -> 1.070x, c10 0.976x -> 0.939x, +420 B gzipped in all. The
# fifth, the encoder's 48 -> 16 kHz down-sampling FIR (3.6 % of the time,
# about 1.7x native; alone 2.2x faster in WASM with SIMD): against the
# module without it, 31 interleaved runs in Node (load about 4 from the
# bench): c5 min / median 0.981x / 0.984x, c10 0.990x / 0.987x, +450 B.
if(EMSCRIPTEN)
  set(_opus_simd_files "${PROJECT_SOURCE_DIR}/wasm/opus/simd/nsq_del_dec_simd.c"
    "${PROJECT_SOURCE_DIR}/wasm/opus/simd/inner_product_simd.c"
    "${PROJECT_SOURCE_DIR}/wasm/opus/simd/lpc_analysis_filter_simd.c"
    "${PROJECT_SOURCE_DIR}/wasm/opus/simd/lpc_analysis_filter_int16_simd.c"
    "${PROJECT_SOURCE_DIR}/wasm/opus/simd/resampler_down_fir_simd.c")
  set(_opus_simd_sources ${NATTER_OPUS_SOURCES})
  list(REMOVE_ITEM _opus_simd_sources "${NATTER_OPUS_NSQ_DEL_DEC}"
    "${NATTER_OPUS_DIR}/silk/float/inner_product_FLP.c"
    "${NATTER_OPUS_DIR}/silk/float/LPC_analysis_filter_FLP.c"
    "${NATTER_OPUS_DIR}/silk/LPC_analysis_filter.c"
    "${NATTER_OPUS_DIR}/silk/resampler_private_down_FIR.c")
  list(LENGTH NATTER_OPUS_SOURCES _opus_n)
  list(LENGTH _opus_simd_sources _opus_simd_n)
  math(EXPR _opus_removed "${_opus_n} - ${_opus_simd_n}")
  if(NOT _opus_removed EQUAL 5)
    message(FATAL_ERROR "libopus ${NATTER_OPUS_VERSION}: NSQ_del_dec.c, inner_product_FLP.c, LPC_analysis_filter_FLP.c, LPC_analysis_filter.c or resampler_private_down_FIR.c moved; see wasm/opus/simd/")
  endif()
  # Also how tests/wasm_kernels compiles them against the scalar code.
  set(NATTER_OPUS_SIMD_FILE_OPTIONS -msimd128 -fno-lto -fno-vectorize -fno-slp-vectorize)
  set_source_files_properties(${_opus_simd_files} PROPERTIES COMPILE_OPTIONS "${NATTER_OPUS_SIMD_FILE_OPTIONS}")
  add_library(natter_opus_simd STATIC ${_opus_simd_sources} ${_opus_simd_files})
  list(APPEND NATTER_OPUS_TARGETS natter_opus_simd)
endif()
# Both libraries alike:
foreach(_opus_target IN LISTS NATTER_OPUS_TARGETS)
set_target_properties(${_opus_target} PROPERTIES
  C_STANDARD 99
  C_EXTENSIONS OFF
  POSITION_INDEPENDENT_CODE ON)
target_include_directories(${_opus_target} SYSTEM PUBLIC "${NATTER_OPUS_DIR}/include")
target_include_directories(${_opus_target} PRIVATE
  "${NATTER_OPUS_DIR}" "${NATTER_OPUS_DIR}/celt" "${NATTER_OPUS_DIR}/silk"
  "${NATTER_OPUS_DIR}/silk/float")
if(EMSCRIPTEN)
  # noise_shape_feedback.h, and the generated NSQ_del_dec_interleaved.c that
  # the SIMD build's nsq_del_dec_simd.c includes.
  target_include_directories(${_opus_target} PRIVATE
    "${PROJECT_SOURCE_DIR}/wasm/opus/wasm_patch" "${CMAKE_BINARY_DIR}/opus_wasm")
endif()
# What configure would put in config.h for a float build without intrinsics
# or run-time CPU detection. FLOAT_APPROX, FIXED_POINT and CUSTOM_MODES stay off.
target_compile_definitions(${_opus_target} PRIVATE
  OPUS_BUILD USE_ALLOCA HAVE_ALLOCA_H HAVE_LRINT HAVE_LRINTF
  PACKAGE_VERSION="${NATTER_OPUS_VERSION}")
# Third-party code: optimise it even in Debug builds, silence its warnings,
# and never fuse multiply-adds (keeps native == WASM bytes on any host).
target_compile_options(${_opus_target} PRIVATE -O2 -w -ffp-contract=off)
# In the WASM voice module, -Os with LTO (and emmalloc at the link,
# wasm/CMakeLists.txt): 157,226 -> 132,615 B gzipped, and encoding no
# slower than -O2 (min of 5 interleaved runs against native libopus on a
# loaded machine, c5 1.42x against 1.42-1.46x, c10 1.33x against 1.34x;
# hot files at -O3 gave 139,865 B and no faster). -ffp-contract=off keeps
# the packets byte-identical to the native build's at any -O.
# Then, for the first call's download: no tonality analysis (above)
# and -mbulk-memory (memcpy/memset become memory.copy/fill instead of calls
# out to JS; also at the link, wasm/CMakeLists.txt, which picks that libc):
# 132,765 -> 120,913 B gzipped.
# Measured and left out (interleaved runs against native on a loaded
# machine, load average 5-8, so ratios above the idle ones):
# - the decoder-only files at -Oz: 136 B smaller, not worth a slower decoder;
# - the encoder's hot files (SILK's quantisers and float analysis, CELT's
#   pitch and LPC) at -O3 outside LTO: +5,690 B gzipped and no faster
#   (c5 1.62x against 1.50x, c10 1.49x against 1.37x, mins of 11 runs);
#   inside LTO, again at load 1.7 (where the profile puts the time: SILK's
#   quantiser 22 % + its short prediction 4 %): NSQ.c, NSQ_del_dec.c and
#   wrappers_FLP.c at -O3, +1,077 B and no faster (c5 1.56x against 1.46x,
#   c10 1.48x against 1.35x); those plus 10 more SILK/CELT analysis files,
#   +2,519 B and the same (1.45x, 1.33x);
# - libopus 1.5.2 with SSE4.1 emulation, bulk memory, hot files -O3 in
#   LTO and the rest -Oz: 172,017 B gzipped with the analysis (c5 1.28x,
#   c10 1.38x, min of 11 at load 10).
# - Again on an idle machine (load 1.2-1.4 from the bench itself), with the
#   64-bit multiplies below, each against its own native build in the same
#   runs: 1.5.2 with SSE4.1 emulation at -Os (its SSE4.1 quantiser and 7
#   SILK files at -O3), 126,925 B, c5 1.27x / c10 1.16x,
#   but 9.2-9.4 ms of WASM CPU per second of speech where 1.3.1 takes
#   8.4-8.5: 1.5.2's own encoder is ~10 % slower (native too), so its ratio
#   improves by its baseline, not by a faster call. Hot SILK files (NSQ,
#   noise shaping, warped autocorrelation, inner products, LPC, Burg,
#   resampler) at -O3 or -O2 inside LTO: +2.5 KB and slower (1.32-1.35x);
#   all of libopus at -O3: 174 KB and 1.31x; -msimd128 alone: +1.4 KB, no
#   faster (in Chromium too).
# - 1.3.1's own SSE4.1 SILK files (SILK_SOURCES_SSE4_1: both quantisers,
#   VAD, LTP codebook search; integer code, packets byte-identical) through
#   Emscripten 3.1.6's SSE4.1 emulation, OPUS_X86_PRESUME_SSE4_1, 25 runs
#   against 1.3.1 without them in the same hour: +0.3 KB, c5 1.25x / 1.27x
#   in Node and 1.20x / 1.22x in Chromium (min / median), the same as
#   without; with -msimd128 on all of libopus, slower (c5 1.35x / 1.40x).
#   Through the emulation, the quantiser's vector parts gained nothing.
# - Written for WASM SIMD instead (wasm/opus/simd/, natter_opus_simd above),
#   the delayed-decision quantiser's short-term prediction and the float
#   inner product, each outside LTO and without autovectorisation (with
#   them, i64x2 multiplies V8 emulates came in): c5 1.24x -> 1.18-1.20x,
#   c10 1.12x -> 1.09x in Node (min of 21-25 interleaved runs); +460 B
#   gzipped. silk_energy_FLP the same way: no faster. The noise-shaping
#   feedback's sum: slower (1.26x).
# - Then, 11-15 interleaved runs each against native in the same run (load
#   0.8-1.1): -mnontrapping-fptoint on libopus and the module (float to int
#   without range checks): 1.5 KB smaller raw, no faster (c5 1.19x against
#   1.18x, c10 1.08x against 1.08x). The warped autocorrelation
#   (silk/float/warped_autocorrelation_FLP.c) two samples at a time on
#   f64x2, the second two allpass sections behind (the same bits): slower
#   (c5 1.31x against 1.18x), and a second version keeping the lanes'
#   inputs in registers slower still alone. Alone, the scalar function
#   takes 1.09-1.16x its native time (order 24, 16); natively a section
#   takes 0.8 ns, less than its subtract-multiply-add chain, so the CPU
#   already overlaps one sample with the next. The same file outside LTO
#   (not inlined into silk_Encode): no faster (1.17x).
# - libopus's own NEON delayed-decision quantiser
#   (silk/arm/NSQ_del_dec_neon_intr.c: the states side by side in 4 lanes)
#   compiled for WASM SIMD through an arm_neon.h of our own (the ~60
#   intrinsics it uses, each on wasm_simd128.h; SIMDe's, from Debian, was
#   3.4x native, its multiplies lane by lane), 11 interleaved runs against
#   native, before the interleaved feedback above: packets byte-identical;
#   complexity 10 (4 states) 1.04x / 1.07x -> 0.83x / 0.87x (min / median),
#   but complexity 5 (2 states, which libopus itself leaves to the C code)
#   1.16x / 1.19x -> 1.18x / 1.21x, and +3.6 KB gzipped for the quantiser's
#   second copy. Not shipped: calls encode at 5. Where
#   its time goes at 5 (perf, V8's jitdump): the noise-shaping allpass chain,
#   where each section's multiply (i64x2 extmul, shift, shuffle) waits on
#   the last and takes longer than the scalar imul it replaces, and the
#   replacement of a losing state, a lane copied row by row (~250 rows):
#   without that copy (wrong packets, a bound only) 1.09x / 1.12x. With only
#   the low lanes multiplied (enough for 2 states): no faster. -O2 on the
#   file: slower (1.38x).
if(EMSCRIPTEN)
  target_compile_options(${_opus_target} PRIVATE -Os -flto -mbulk-memory)
  # 64-bit integers are native in WASM (i64.mul), but celt/arch.h turns
  # OPUS_FAST_INT64 on only for x86_64, LP64 and Win64 targets, so on wasm32
  # SILK's fixed-point macros (silk_SMULWB, silk_SMLAWB, ...: the noise-shaping
  # quantiser's inner loop) split each 32x16 multiply into two 32-bit ones.
  # _WIN64 is the one switch arch.h reads that nothing else in libopus or in
  # Emscripten's libc headers does. Both forms compute the same values (the
  # native build has always used the 64-bit one), so the packets stay
  # byte-identical. Encode CPU at complexity 5 / 10 against native, min of 11
  # interleaved runs (tools/bench/voice-codec.mjs): 1.37x / 1.26x -> 1.28x /
  # 1.14x, and 1,475 B smaller gzipped.
  target_compile_definitions(${_opus_target} PRIVATE _WIN64)
  file(READ "${NATTER_OPUS_DIR}/celt/arch.h" _opus_arch_h)
  if(NOT _opus_arch_h MATCHES "#if defined\\(__x86_64__\\) \\|\\| defined\\(__LP64__\\) \\|\\| defined\\(_WIN64\\)\n#define OPUS_FAST_INT64 1")
    message(FATAL_ERROR "celt/arch.h no longer picks OPUS_FAST_INT64 by _WIN64: see cmake/opus.cmake")
  endif()
endif()
endforeach()
