# Project-wide compile flags, applied through an interface target so each
# module opts in by linking fumidai::warnings.
add_library(fumidai_warnings INTERFACE)
add_library(fumidai::warnings ALIAS fumidai_warnings)
target_compile_options(fumidai_warnings INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
# GCC 12 reports C++20 coroutine frames (Asio's awaitables) as a mismatched
# new/delete, a false positive: under ASan for every frame, and without it
# for some coroutines once inlining reaches them (HttpGrab's page grab).
# The frames are allocated and freed by the same awaitable_frame_base.
target_compile_options(fumidai_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)
# A unity build (FUMIDAI_UNITY_BUILD, as tools/test.sh uses) includes .cpp files
# into one another, so GCC takes each for a header and reports any use of its
# anonymous namespace in a coroutine frame or template as a linkage hazard,
# which it is not: the whole unit is one file.
target_compile_options(fumidai_warnings INTERFACE
                       $<$<AND:$<CXX_COMPILER_ID:GNU>,$<BOOL:$<TARGET_PROPERTY:UNITY_BUILD>>>:-Wno-subobject-linkage>)

if(FUMIDAI_SANITIZE)
  target_compile_options(fumidai_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # ASan still checks the real new/delete pairing at run time.
  target_link_options(fumidai_warnings INTERFACE -fsanitize=address,undefined)
endif()
