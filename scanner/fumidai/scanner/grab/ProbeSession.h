#pragma once
// What a probe module sees of one target: a TCP connection, optionally
// wrapped in TLS, or a connected UDP socket (target().transport), whose
// every operation is bounded in time. Each operation
// has a deadline (connect_timeout or read_timeout from its start, never past
// the grab's total deadline). The engine checks deadlines against its
// injected Clock on every tick and cancels the socket of an expired session,
// so timeouts are exactly as deterministic as the clock.
//
// Operations never throw: they return an IoStatus. After a timeout or any
// error the connection is unusable; reconnect() opens a fresh one (the
// favicon fetch does) under the same total deadline.
//
// Contract: created, used and destroyed on the engine's single event-loop
// thread; one operation at a time. Owns its socket. The GrabOptions and the
// TLS context are borrowed from the engine, which outlives every session.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/grab/GrabOptions.h"
#include "fumidai/scanner/grab/GrabTarget.h"

namespace fumidai::scanner {

enum class IoError { none, eof, timeout, refused, reset, tls, other };

struct IoStatus {
  IoError error = IoError::none;
  std::string message;  // one line; empty when error == none
  bool ok() const { return error == IoError::none; }
};

struct ReadResult {
  std::size_t bytes = 0;
  IoStatus status;
};

class ProbeSession {
 public:
  ProbeSession(boost::asio::any_io_executor executor, Clock& clock, const GrabOptions& options,
               boost::asio::ssl::context& tls_context, GrabTarget target);
  ProbeSession(const ProbeSession&) = delete;
  ProbeSession& operator=(const ProbeSession&) = delete;

  const GrabTarget& target() const { return target_; }
  const GrabOptions& options() const { return options_; }
  bool tls_active() const { return tls_.has_value(); }

  // Connects, retrying timed-out attempts options().connect_retries times.
  // UDP: binds and connects the socket, which sends nothing.
  boost::asio::awaitable<IoStatus> connect();
  // TLS client handshake (no verification); on success `description` gets
  // the handshake's and the certificate's details.
  boost::asio::awaitable<IoStatus> start_tls(boost::json::object& description);
  // At most buffer.size() bytes; 0 bytes only with an error (eof included).
  // `timeout` replaces options().read_timeout for this read (a banner wait).
  // UDP: one datagram from the target, cut to the buffer; an ICMP
  // port-unreachable in answer to an earlier write is IoError::refused.
  boost::asio::awaitable<ReadResult> read_some(std::span<std::uint8_t> buffer,
                                               std::optional<Nanos> timeout = std::nullopt);
  boost::asio::awaitable<IoStatus> write(std::span<const std::uint8_t> bytes);
  boost::asio::awaitable<IoStatus> write(std::string_view text);
  // Closes the connection and connects again, with TLS again if it was on.
  boost::asio::awaitable<IoStatus> reconnect();
  // Closes the connection and connects over plain TCP to the target's own
  // address on `port`, for a protocol that continues there (SSDP on UDP
  // names its description's HTTP port). Only the port can change: a module
  // can reach no other host. Later reconnects go to the same port.
  boost::asio::awaitable<IoStatus> connect_tcp(std::uint16_t port);
  void close();

  // The engine's tick: cancels the pending operation once its deadline passed.
  void expire_if_due(Nanos now);
  // The grab as a whole ran out of time.
  bool total_deadline_passed(Nanos now) const { return now >= total_deadline_; }

 private:
  boost::asio::awaitable<IoStatus> connect_once();
  void arm(Nanos timeout);
  void disarm() { deadline_.reset(); }
  IoStatus status_from(const boost::system::error_code& ec, std::string_view what);
  bool udp() const { return target_.transport == Transport::udp && !tcp_port_; }

  boost::asio::any_io_executor executor_;
  Clock& clock_;
  const GrabOptions& options_;
  boost::asio::ssl::context& tls_context_;
  GrabTarget target_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::udp::socket udp_socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  bool tls_wanted_ = false;
  std::optional<std::uint16_t> tcp_port_;  // set by connect_tcp()
  Nanos total_deadline_;
  std::optional<Nanos> deadline_;  // of the operation in progress
  bool timed_out_ = false;         // the operation in progress was cancelled by its deadline
};

}  // namespace fumidai::scanner
