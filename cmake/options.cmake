# SPDX-License-Identifier: MIT
# Flags every target links: tl_options (defines, sanitizers) and tl_warnings.
add_library(tl_options INTERFACE)
target_compile_definitions(tl_options INTERFACE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_USE_QSTRINGBUILDER QT_NO_NARROWING_CONVERSIONS_IN_CONNECT)
# simdjson's On-Demand API compiles for the instruction set the compiler may use: without these it
# falls back to its portable kernel, several times slower. SSE4.2 + PCLMUL (its "westmere" kernel) is
# on every x86-64 CPU of the last 15 years.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    target_compile_options(tl_options INTERFACE -msse4.2 -mpclmul -mpopcnt)
endif()
if(TL_SANITIZE)
    string(REPLACE ";" "," _tl_sanitizers "${TL_SANITIZE}")
    target_compile_options(tl_options INTERFACE -fsanitize=${_tl_sanitizers} -fno-omit-frame-pointer)
    target_link_options(tl_options INTERFACE -fsanitize=${_tl_sanitizers})
endif()

add_library(tl_warnings INTERFACE)
target_compile_options(tl_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion)
if(TL_WARNINGS_AS_ERRORS)
    target_compile_options(tl_warnings INTERFACE -Werror)
endif()
