#pragma once
// The read loop every probe shares: read from the session into a reused
// buffer and feed a protocol parser until it says done, the peer closes, a
// deadline passes or `max_bytes` arrived.
// Contract: runs on the engine's thread inside a probe's coroutine.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <span>

#include "fumidai/scanner/grab/ProbeSession.h"

namespace fumidai::scanner {

enum class FeedVerdict { more, done, failed };

// Bytes read per call; one buffer per probe coroutine.
inline constexpr std::size_t kProbeReadChunk = 4096;

// `feed(std::span<const std::uint8_t>) -> FeedVerdict`. Returns the read
// error that ended the loop (ok when the parser said done or failed);
// `total` counts the bytes fed.
template <class Feed>
boost::asio::awaitable<IoStatus> read_until(ProbeSession& session, std::size_t max_bytes, std::size_t& total,
                                            Feed feed) {
  std::array<std::uint8_t, kProbeReadChunk> buffer;
  while (total < max_bytes) {
    const std::size_t want = std::min(buffer.size(), max_bytes - total);
    const ReadResult read = co_await session.read_some(std::span(buffer.data(), want));
    if (!read.status.ok()) co_return read.status;
    total += read.bytes;
    if (feed(std::span<const std::uint8_t>(buffer.data(), read.bytes)) != FeedVerdict::more) co_return IoStatus{};
  }
  co_return IoStatus{IoError::other, "read limit reached"};
}

// Datagrams a UDP exchange reads past (late or foreign) before it gives up.
inline constexpr std::size_t kMaxUnexpectedDatagrams = 64;

// A UDP request/response: sends `request` and reads datagrams into `buffer`
// until `accept(std::span<const std::uint8_t>) -> bool` takes one (it checks
// the reply answers this request: cookies, IDs). After a silent read_timeout
// the request goes again, options().connect_retries times. Returns the
// accepted datagram's size, or the error: timeout after the last try,
// refused for an ICMP port-unreachable.
template <class Accept>
boost::asio::awaitable<ReadResult> udp_exchange(ProbeSession& session, std::span<const std::uint8_t> request,
                                                std::span<std::uint8_t> buffer, Accept accept) {
  std::size_t unexpected = 0;
  for (unsigned attempt = 0;; ++attempt) {
    const IoStatus sent = co_await session.write(request);
    if (!sent.ok()) co_return ReadResult{0, sent};
    while (true) {
      const ReadResult read = co_await session.read_some(buffer);
      if (read.status.error == IoError::timeout && attempt < session.options().connect_retries) break;
      if (!read.status.ok()) co_return read;
      if (accept(std::span<const std::uint8_t>(buffer.data(), read.bytes))) co_return read;
      if (++unexpected >= kMaxUnexpectedDatagrams)
        co_return ReadResult{0, {IoError::other, "too many datagrams that do not answer the request"}};
    }
  }
}

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace fumidai::scanner
