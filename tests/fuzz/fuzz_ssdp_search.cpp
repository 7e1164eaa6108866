// Fuzz target: the lab emulator's SSDP M-SEARCH parser, fed whatever datagram
// arrives. An accepted search names a search target that lies inside the
// datagram, is not empty, holds no line break and has no blanks around it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "devices/SsdpSearch.h"

using fumidai::lab::SsdpSearch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  const auto search = SsdpSearch::parse(datagram);
  if (!search) return 0;
  const std::string_view st = search->st;
  FUZZ_CHECK(!st.empty());
  FUZZ_CHECK(st.data() >= datagram.data() && st.data() + st.size() <= datagram.data() + datagram.size());
  FUZZ_CHECK(st.find_first_of("\r\n") == std::string_view::npos);
  FUZZ_CHECK(st.front() != ' ' && st.front() != '\t' && st.back() != ' ' && st.back() != '\t');
  return 0;
}
