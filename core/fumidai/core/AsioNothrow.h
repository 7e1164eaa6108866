#pragma once
// The completion token for coroutines that take errors as values (no
// exceptions on the packet path): `co_await op(..., nothrow)` yields a tuple
// whose first member is the error_code.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fumidai {

inline constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace fumidai
