# libopus: pinned source release, fetched and verified by tools/fetch-opus.sh,
# compiled here from its own source lists for both targets.
#
# Why not its own build: its config.sub rejects emscripten (and 1.3.1's
# CMake was broken). So we read celt_sources.mk, silk_sources.mk and
# opus_sources.mk and compile the float sources ourselves, with the defines
# its config.h would give. No FMA contraction, and the native build has no
# intrinsics, so the native and the WASM encoder produce identical bytes
# (tests/node/voice_codec_bytes.test.mjs checks that).
#
# The WASM build is built for speed where the encoder spends its time and
# for size elsewhere (docs/benchmarks.md, "Voice codec"):
# - libopus's x86 SSE/SSE2/SSE4.1 sources, selected at compile time
#   (OPUS_X86_PRESUME_*, no run-time CPU detection) and run on Emscripten's
#   SSE emulation over WASM SIMD (-msimd128 -msse4.1). Their integer SILK
#   paths are bit-exact with the C ones; the float CELT ones gave the same
#   packets here too, which the byte test checks on every run.
# - -mbulk-memory: memcpy/memset are memory.copy/fill, not calls into JS.
# - the encoder's hot files (NATTER_OPUS_HOT_SOURCES) at -O3, the rest -Os.
#
# Defines: natter_opus (static C library; PUBLIC include dir = opus include/,
# so users write #include <opus.h>). Nothing in the text core links it.

set(NATTER_OPUS_VERSION 1.5.2)

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

natter_opus_read_mk(celt_sources.mk CELT_SOURCES CELT_SOURCES_SSE CELT_SOURCES_SSE2 CELT_SOURCES_SSE4_1)
natter_opus_read_mk(silk_sources.mk SILK_SOURCES SILK_SOURCES_FLOAT SILK_SOURCES_SSE4_1)
natter_opus_read_mk(opus_sources.mk OPUS_SOURCES OPUS_SOURCES_FLOAT)

set(_opus_sources
  ${NATTER_OPUS_CELT_SOURCES}
  ${NATTER_OPUS_SILK_SOURCES} ${NATTER_OPUS_SILK_SOURCES_FLOAT}
  ${NATTER_OPUS_OPUS_SOURCES} ${NATTER_OPUS_OPUS_SOURCES_FLOAT})
set(_opus_sse_sources
  ${NATTER_OPUS_CELT_SOURCES_SSE} ${NATTER_OPUS_CELT_SOURCES_SSE2} ${NATTER_OPUS_CELT_SOURCES_SSE4_1}
  ${NATTER_OPUS_SILK_SOURCES_SSE4_1})
# The run-time dispatch tables: not built, the PRESUME defines pick at compile time.
list(FILTER _opus_sse_sources EXCLUDE REGEX "/(x86cpu|x86_celt_map|x86_silk_map)\\.c$")
if(EMSCRIPTEN)
  list(APPEND _opus_sources ${_opus_sse_sources})
endif()
add_library(natter_opus STATIC ${_opus_sources})
set_target_properties(natter_opus PROPERTIES
  C_STANDARD 99
  C_EXTENSIONS OFF
  POSITION_INDEPENDENT_CODE ON)
target_include_directories(natter_opus SYSTEM PUBLIC "${NATTER_OPUS_DIR}/include")
target_include_directories(natter_opus PRIVATE
  "${NATTER_OPUS_DIR}" "${NATTER_OPUS_DIR}/celt" "${NATTER_OPUS_DIR}/silk"
  "${NATTER_OPUS_DIR}/silk/float")
# What configure would put in config.h for a float build without intrinsics
# or run-time CPU detection. FLOAT_APPROX, FIXED_POINT and CUSTOM_MODES stay off.
target_compile_definitions(natter_opus PRIVATE
  OPUS_BUILD USE_ALLOCA HAVE_ALLOCA_H HAVE_LRINT HAVE_LRINTF
  PACKAGE_VERSION="${NATTER_OPUS_VERSION}")
# Third-party code: optimise it even in Debug builds, silence its warnings,
# and never fuse multiply-adds (keeps native == WASM bytes on any host).
# Native: -O2, as libopus's own build (and Debian's package) compiles it:
# the baseline the WASM encoder is measured against.
if(NOT EMSCRIPTEN)
  target_compile_options(natter_opus PRIVATE -O2 -w -ffp-contract=off)
  return()
endif()

target_compile_definitions(natter_opus PRIVATE
  OPUS_X86_MAY_HAVE_SSE OPUS_X86_PRESUME_SSE
  OPUS_X86_MAY_HAVE_SSE2 OPUS_X86_PRESUME_SSE2
  OPUS_X86_MAY_HAVE_SSE4_1 OPUS_X86_PRESUME_SSE4_1)
target_compile_options(natter_opus PRIVATE -w -ffp-contract=off -msimd128 -msse4.1 -mbulk-memory)
# Where the encoder spends its time at the call's settings (node --cpu-prof,
# complexity 5 and 10 with FEC): SILK's noise-shaping quantiser and float
# analysis, and CELT's pitch, LPC and transform code. -O3 there, -Os for
# everything else (decoder, range coder, tables, multistream glue).
set(NATTER_OPUS_HOT_SOURCES ${_opus_sse_sources} ${NATTER_OPUS_SILK_SOURCES_FLOAT})
list(FILTER NATTER_OPUS_SILK_SOURCES INCLUDE REGEX "/silk/(NSQ|NSQ_del_dec|VQ_WMat_EC|LPC_analysis_filter|biquad_alt|ana_filt_bank_1|VAD|resampler_private_down_FIR|resampler_private_AR2|sigm_Q15|inner_prod_aligned|encode_indices|encode_pulses|quant_LTP_gains|NLSF_encode|NLSF_del_dec_quant|NLSF_VQ|process_NLSFs|A2NLSF|LPC_fit|NLSF2A|table_LSF_cos|interpolate|shell_coder|code_signs)\\.c$")
list(FILTER NATTER_OPUS_CELT_SOURCES INCLUDE REGEX "/celt/(pitch|celt_lpc|kiss_fft|mdct|vq|bands|celt_encoder|entenc|entcode|mathops|quant_bands)\\.c$")
list(APPEND NATTER_OPUS_HOT_SOURCES ${NATTER_OPUS_SILK_SOURCES} ${NATTER_OPUS_CELT_SOURCES}
  "${NATTER_OPUS_DIR}/src/opus_encoder.c" "${NATTER_OPUS_DIR}/src/analysis.c")
# OFF: every file at -O3 (to measure what the split costs in speed).
option(NATTER_OPUS_SPLIT_OPT "WASM libopus: hot encoder files -O3, the rest -Os" ON)
get_target_property(_all natter_opus SOURCES)
foreach(_src IN LISTS _all)
  if(_src IN_LIST NATTER_OPUS_HOT_SOURCES OR NOT NATTER_OPUS_SPLIT_OPT)
    set_source_files_properties(${_src} TARGET_DIRECTORY natter_opus PROPERTIES COMPILE_OPTIONS -O3)
  else()
    set_source_files_properties(${_src} TARGET_DIRECTORY natter_opus PROPERTIES COMPILE_OPTIONS -Os)
  endif()
endforeach()
