#pragma once
// One UDP listen entry, played as its persona: a datagram that parses as the
// request the behavior answers (an L2TP SCCRQ or StopCCN, an SSDP M-SEARCH
// for this device) gets its reply, the main reply reply_copies times, all of
// it within the per-source rate limit. Anything else (longer than
// max_datagram_bytes, not parsing, a search for another device) is dropped
// unanswered, so the endpoint never reflects what it does not understand.
// Sends never block: a reply the socket buffer cannot take is dropped, as the
// network may drop it anyway.
//
// Contract: one worker serves the endpoint (so its rate limit is exact):
// open() before the worker runs, start() and on_tick() on the worker's
// thread. The persona is borrowed and outlives the endpoint; the socket, the
// receive buffer and the reply buffer are the endpoint's and reused for every
// datagram.
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "DeviceEndpoint.h"
#include "SourceRateLimiter.h"
#include "fumidai/core/Error.h"

namespace fumidai::lab {

class DeviceWorker;

class DeviceDatagramEndpoint {
 public:
  DeviceDatagramEndpoint(DeviceWorker& worker, const DeviceEndpoint& endpoint);
  DeviceDatagramEndpoint(const DeviceDatagramEndpoint&) = delete;
  DeviceDatagramEndpoint& operator=(const DeviceDatagramEndpoint&) = delete;

  // Binds; a failure names the address.
  Result<> open();
  // Starts receiving.
  void start();
  // The worker's tick: receiving resumes here after a socket error, rather
  // than spinning on it.
  void on_tick();

 private:
  void receive();
  void on_datagram(std::size_t size);
  // Sends `reply` to the current peer `copies` times, as far as its budget goes.
  void send(std::string_view reply, unsigned copies);

  DeviceWorker& worker_;
  DeviceEndpoint endpoint_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint peer_;
  std::size_t capacity_;  // max_datagram_bytes + 1: a datagram that fills the buffer is too long
  std::unique_ptr<char[]> buffer_;
  std::string reply_;  // an L2TP SCCRP being addressed
  SourceRateLimiter limiter_;
  std::uint16_t next_tunnel_id_ = 1;
  bool retry_ = false;
};

}  // namespace fumidai::lab
