#pragma once
// An IPv4 or IPv6 network as PostgreSQL's cidr has it: no host bits set.
#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::db {

struct IpPrefix {
  boost::asio::ip::address network;
  unsigned length = 0;
  bool operator==(const IpPrefix&) const = default;
};

// "192.0.2.0/24", "2001:db8::/32" or a bare address (a /32 or /128). Host bits
// set below the length are an input error, as PostgreSQL's cidr has it.
Result<IpPrefix> parse_prefix(std::string_view text);

// "192.0.2.0/24": always with the length, as cidr's text form.
std::string format_prefix(const IpPrefix& prefix);

}  // namespace fumidai::db
