# Every C/C++ compile goes through ccache when it is installed, so a fresh
# clone on a machine that has built Natter before recompiles only what
# changed. Its cache lives outside the clone (ccache's default,
# ~/.cache/ccache, or $CCACHE_DIR). Objects are byte-identical to a direct
# compile: ccache only replays a compiler's earlier output for the same
# preprocessed input, flags and compiler.
#
# Emscripten builds are wrapped inside emcc instead (EM_COMPILER_WRAPPER,
# set by tools/bundle/build.mjs): there ccache sees the clang command emcc
# runs, with emcc's own flags already expanded, rather than emcc's.
#
# -DNATTER_CCACHE=OFF compiles directly (to time a cold build, say).
option(NATTER_CCACHE "Compile through ccache when it is installed" ON)
if(NATTER_CCACHE AND NOT EMSCRIPTEN)
  find_program(NATTER_CCACHE_PROGRAM ccache)
  if(NATTER_CCACHE_PROGRAM)
    # Paths under the clone are hashed relative to it, and the build folder
    # is not hashed, so a clone in another folder hits the same entries.
    set(NATTER_CCACHE_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${NATTER_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${NATTER_CCACHE_LAUNCHER})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${NATTER_CCACHE_LAUNCHER})
  endif()
endif()
