#pragma once
// FUZZ_CHECK(condition): a property the code under test promises. A failure
// aborts, which libFuzzer reports as a crash and saves the input for, and
// which fails the corpus test; unlike assert() it stays on under NDEBUG.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                            \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)
