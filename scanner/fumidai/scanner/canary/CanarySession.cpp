#include "fumidai/scanner/canary/CanarySession.h"

#include <fmt/format.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "fumidai/core/AsioNothrow.h"
#include "fumidai/scanner/canary/CanaryRequestHead.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kBadRequest =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
    "bad request\n";

std::string ok_response(std::string_view body) {
  return fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\n{}",
      body.size(), body);
}

}  // namespace

CanarySession::CanarySession(Context context, asio::ip::tcp::socket socket)
    : context_(context), socket_(std::move(socket)) {
  const Nanos now = context_.clock.now();
  idle_deadline_ = now + context_.limits.idle_timeout;
  lifetime_deadline_ = now + context_.limits.connection_lifetime;
  boost::system::error_code ec;
  const auto peer = socket_.remote_endpoint(ec);
  if (!ec && peer.address().is_v4()) {
    peer_ip_ = peer.address().to_v4().to_uint();
    peer_port_ = peer.port();
  }
}

asio::awaitable<void> CanarySession::run() {
  std::string head(context_.limits.max_head_bytes, '\0');
  std::size_t filled = 0;
  std::size_t end = 0;
  while (end == 0 && filled < head.size()) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(head.data() + filled, head.size() - filled), nothrow);
    if (ec) {
      // Closed, reset or past a deadline before the head was complete: no
      // request, nothing to log.
      ++context_.stats.incomplete;
      close();
      co_return;
    }
    const std::size_t searched = filled > 3 ? filled - 3 : 0;
    filled += n;
    end = CanaryRequestHead::find_end(std::string_view(head.data(), filled), searched);
  }
  head_complete_ = true;
  std::string response;
  if (end == 0) {
    // The head does not fit: a bad request, whatever its first line says.
    log(CanaryRequestHead::parse(std::string_view(head.data(), filled)).token, false);
    response = kBadRequest;
  } else if (const CanaryRequest request = CanaryRequestHead::parse(std::string_view(head.data(), end));
             request.valid) {
    log(request.token, true);
    response = ok_response(context_.key.answer(request.token));
  } else {
    log(request.token, false);
    response = kBadRequest;
  }
  auto [ec, written] = co_await asio::async_write(socket_, asio::buffer(response), nothrow);
  if (!ec) {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  }
  close();
}

void CanarySession::log(std::string_view token, bool valid) {
  ++(valid ? context_.stats.valid : context_.stats.bad);
  const CanaryLogEntry entry{context_.clock.wall_now_ns(), peer_ip_, peer_port_, token, valid};
  if (auto appended = context_.log.append(entry); !appended) {
    if (context_.stats.log_errors++ == 0) context_.stats.first_log_error = appended.error().message;
  }
}

void CanarySession::expire_if_due(Nanos now) {
  if (now >= lifetime_deadline_ || (!head_complete_ && now >= idle_deadline_)) close();
}

void CanarySession::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace fumidai::scanner
