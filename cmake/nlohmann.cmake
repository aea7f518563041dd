# nlohmann_json comes from Debian's nlohmann-json3-dev. The WASM compile must
# never see /usr/include (glibc headers break it), so it gets a private
# include directory that holds only a link to the nlohmann headers.
if(EMSCRIPTEN)
  set(NATTER_NLOHMANN_DIR "${CMAKE_BINARY_DIR}/nlohmann-include")
  if(NOT EXISTS "${NATTER_NLOHMANN_DIR}/nlohmann/json.hpp")
    if(NOT EXISTS /usr/include/nlohmann/json.hpp)
      message(FATAL_ERROR "nlohmann/json.hpp not found: install nlohmann-json3-dev (tools/setup.sh does)")
    endif()
    file(MAKE_DIRECTORY "${NATTER_NLOHMANN_DIR}")
    file(CREATE_LINK /usr/include/nlohmann "${NATTER_NLOHMANN_DIR}/nlohmann" SYMBOLIC)
  endif()
  add_library(natter_json INTERFACE)
  target_include_directories(natter_json SYSTEM INTERFACE "${NATTER_NLOHMANN_DIR}")
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  add_library(natter_json INTERFACE)
  target_link_libraries(natter_json INTERFACE nlohmann_json::nlohmann_json)
endif()
