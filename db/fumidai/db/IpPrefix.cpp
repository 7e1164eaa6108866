#include "fumidai/db/IpPrefix.h"

#include <fmt/format.h>

#include <charconv>

namespace fumidai::db {

Result<IpPrefix> parse_prefix(std::string_view text) {
  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" is 49 characters.
  constexpr std::size_t max_text = 64;
  if (text.empty()) return make_input_error("empty prefix");
  if (text.size() > max_text) return make_input_error(fmt::format("prefix longer than {} characters", max_text));
  const auto slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  // A scope ("fe80::1%eth0") names an interface, not a network.
  if (address_text.find('%') != std::string_view::npos) {
    return make_input_error(fmt::format("bad prefix {:?}: an address with a scope", text));
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(address_text), ec);
  if (ec) return make_input_error(fmt::format("bad prefix {:?}: not an IP address", text));
  const unsigned bits = address.is_v4() ? 32 : 128;
  unsigned length = bits;
  if (slash != std::string_view::npos) {
    const std::string_view length_text = text.substr(slash + 1);
    const char* end = length_text.data() + length_text.size();
    const auto [ptr, err] = std::from_chars(length_text.data(), end, length);
    if (length_text.empty() || length_text.size() > 3 || err != std::errc() || ptr != end || length > bits) {
      return make_input_error(fmt::format("bad prefix {:?}: the length must be 0-{}", text, bits));
    }
  }
  if (address.is_v4()) {
    const std::uint32_t value = address.to_v4().to_uint();
    const std::uint32_t host_mask = length == 32 ? 0 : ~std::uint32_t{0} >> length;
    if ((value & host_mask) != 0) return make_input_error(fmt::format("bad prefix {:?}: host bits set", text));
  } else {
    const auto bytes = address.to_v6().to_bytes();
    for (unsigned bit = length; bit < 128; ++bit) {
      if ((bytes[bit / 8] >> (7 - bit % 8) & 1) != 0) {
        return make_input_error(fmt::format("bad prefix {:?}: host bits set", text));
      }
    }
  }
  return IpPrefix{address, length};
}

std::string format_prefix(const IpPrefix& prefix) {
  return fmt::format("{}/{}", prefix.network.to_string(), prefix.length);
}

}  // namespace fumidai::db
