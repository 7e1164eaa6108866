# Project-wide compile flags, applied through an interface target so each
# module opts in by linking fumidai::warnings.
add_library(fumidai_warnings INTERFACE)
add_library(fumidai::warnings ALIAS fumidai_warnings)
target_compile_options(fumidai_warnings INTERFACE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)

if(FUMIDAI_SANITIZE)
  target_compile_options(fumidai_warnings INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  # GCC 12 reports every C++20 coroutine frame (Asio's awaitables) as a
  # mismatched new/delete once ASan instruments them, a false positive;
  # ASan itself still checks the real pairing at run time.
  target_compile_options(fumidai_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)
  target_link_options(fumidai_warnings INTERFACE -fsanitize=address,undefined)
endif()
