#pragma once
// One accepted connection, played as its endpoint's persona: optionally a TLS
// handshake, then the behavior (serve pages with keep-alive, stream, drip,
// send a banner, say nothing, answer PPTP control messages, ...). Sessions are pooled by their worker and
// reused for later connections, so the per-connection cost is the socket and,
// for TLS, OpenSSL's own state.
//
// Limits: every connection ends at connection_lifetime after its accept
// whatever it does, and while it waits for a TLS handshake or a complete
// request head, at idle_timeout. The worker's tick checks both against the
// injected clock (and paces drip). Bytes read are never trusted: the head
// buffer has a fixed size and is the only thing filled from the network (PPTP
// messages are framed in it too; PptpMessage caps their length below the
// smallest head limit).
//
// Contract: created, used and destroyed on its worker's thread. At most one
// asynchronous operation is in flight; the session goes back to the worker
// (release) only when none is, so no handler outlives its connection.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "DeviceEndpoint.h"
#include "fumidai/core/Clock.h"

namespace fumidai::lab {

class DeviceWorker;

class DeviceSession {
 public:
  DeviceSession(DeviceWorker& worker, std::size_t head_buffer_bytes);
  DeviceSession(const DeviceSession&) = delete;
  DeviceSession& operator=(const DeviceSession&) = delete;

  // Takes over an accepted connection; `now` is the accept time.
  void start(boost::asio::ip::tcp::socket socket, const DeviceEndpoint& endpoint, Nanos now);
  // The worker's tick: enforces the deadlines, sends the next drip byte.
  void on_tick(Nanos now);
  // Ends the connection; the session is released once nothing is in flight.
  void finish();

  // Position in the worker's list of active sessions (the worker's bookkeeping).
  std::size_t active_index() const { return active_index_; }
  void set_active_index(std::size_t index) { active_index_ = index; }

 private:
  enum class State { free, handshake, read_request, write, stream, drip_wait, discard, control, shutdown };
  using Next = void (DeviceSession::*)();

  void begin();
  void read_request();
  void on_request_bytes(std::size_t searched);
  void handle_request(std::size_t head_length);
  void respond(const PreparedPersona::Response& response, bool keep_alive, bool head_only);
  void after_response();
  void drop_consumed();
  void read_control();
  void on_control_bytes();
  void after_start_reply();
  void stream_next();
  void drip_step();
  void after_drip();
  void discard();
  void shutdown_then_finish();
  template <class Buffers>
  void write(const Buffers& buffers, Next next);
  // Runs `operation(stream)` on the TLS stream when there is one, else on the socket.
  template <class Operation>
  void with_stream(Operation&& operation) {
    if (tls_) {
      operation(*tls_);
    } else {
      operation(socket_);
    }
  }

  DeviceWorker& worker_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  const PreparedPersona* persona_ = nullptr;
  std::unique_ptr<char[]> head_;
  std::size_t head_capacity_;
  std::size_t filled_ = 0;
  std::size_t consumed_ = 0;  // the request head being answered
  State state_ = State::free;
  bool in_flight_ = false;
  bool closing_ = false;
  bool keep_alive_ = false;
  bool hold_open_ = false;  // the response's framing never ends: read and discard afterwards
  Nanos lifetime_deadline_{0};
  Nanos idle_deadline_{0};
  Nanos next_drip_{0};
  std::size_t drip_position_ = 0;
  std::uint64_t stream_left_ = 0;  // huge-body zeros still to send
  std::size_t active_index_ = 0;
};

}  // namespace fumidai::lab
