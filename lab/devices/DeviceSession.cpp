#include "DeviceSession.h"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <utility>

#include "DeviceWorker.h"
#include "HttpRequestHead.h"
#include "PptpMessage.h"

namespace fumidai::lab {
namespace {

namespace asio = boost::asio;
using Behavior = DevicePersona::Behavior;
using error_code = boost::system::error_code;

}  // namespace

DeviceSession::DeviceSession(DeviceWorker& worker, std::size_t head_buffer_bytes)
    : worker_(worker),
      socket_(worker.context()),
      head_(std::make_unique<char[]>(head_buffer_bytes)),
      head_capacity_(head_buffer_bytes) {}

void DeviceSession::start(asio::ip::tcp::socket socket, const DeviceEndpoint& endpoint, Nanos now) {
  socket_ = std::move(socket);
  persona_ = endpoint.persona;
  filled_ = 0;
  consumed_ = 0;
  closing_ = false;
  in_flight_ = false;
  lifetime_deadline_ = now + worker_.limits().connection_lifetime;
  idle_deadline_ = now + worker_.limits().idle_timeout;
  // No longer free, so finish() ends it whatever comes next.
  state_ = State::handshake;
  if (endpoint.tls == nullptr) {
    begin();
    return;
  }
  tls_.emplace(socket_, *endpoint.tls);
  in_flight_ = true;
  tls_->async_handshake(asio::ssl::stream_base::server, [this](const error_code& ec) {
    in_flight_ = false;
    if (ec || closing_) return finish();
    begin();
  });
}

void DeviceSession::begin() {
  switch (persona_->behavior()) {
    case Behavior::http:
    case Behavior::endless_headers:
    case Behavior::huge_body:
    case Behavior::drip:
    case Behavior::tls_garbage:
      read_request();
      break;
    case Behavior::telnet_storm:
      stream_next();
      break;
    case Behavior::banner:
      state_ = State::write;
      write(asio::buffer(persona_->opening()), &DeviceSession::discard);
      break;
    case Behavior::silent:
      discard();
      break;
    case Behavior::pptp:
      state_ = State::read_request;
      read_control();
      break;
    case Behavior::close:
    case Behavior::l2tp:  // datagram behaviors never get a connection (DeviceConfig sees to it)
    case Behavior::ssdp:
      finish();
      break;
  }
}

template <class Buffers>
void DeviceSession::write(const Buffers& buffers, Next next) {
  in_flight_ = true;
  with_stream([&](auto& stream) {
    asio::async_write(stream, buffers, [this, next](const error_code& ec, std::size_t) {
      in_flight_ = false;
      if (ec || closing_) return finish();
      (this->*next)();
    });
  });
}

void DeviceSession::read_request() {
  state_ = State::read_request;
  if (filled_ == head_capacity_) {
    // The head does not fit: answer as a server with a head limit does.
    consumed_ = filled_;
    respond(persona_->bad_request(), false, false);
    return;
  }
  in_flight_ = true;
  with_stream([this](auto& stream) {
    stream.async_read_some(asio::buffer(head_.get() + filled_, head_capacity_ - filled_),
                           [this](const error_code& ec, std::size_t n) {
                             in_flight_ = false;
                             if (ec || closing_) return finish();
                             const std::size_t before = filled_;
                             filled_ += n;
                             // Three bytes back, in case the blank line straddles the two reads.
                             on_request_bytes(before > 3 ? before - 3 : 0);
                           });
  });
}

void DeviceSession::on_request_bytes(std::size_t searched) {
  if (persona_->behavior() == Behavior::tls_garbage) {
    // The ClientHello (or whatever came) is in; answer with garbage.
    state_ = State::write;
    write(asio::buffer(persona_->chunk()), &DeviceSession::discard);
    return;
  }
  const std::size_t end = HttpRequestHead::find_end(std::string_view(head_.get(), filled_), searched);
  if (end == 0) {
    read_request();
    return;
  }
  handle_request(end);
}

void DeviceSession::handle_request(std::size_t head_length) {
  consumed_ = head_length;
  switch (persona_->behavior()) {
    case Behavior::endless_headers:
      state_ = State::stream;
      write(asio::buffer(persona_->opening()), &DeviceSession::stream_next);
      return;
    case Behavior::huge_body:
      state_ = State::stream;
      stream_left_ = persona_->body_bytes();
      write(asio::buffer(persona_->opening()), &DeviceSession::stream_next);
      return;
    case Behavior::drip:
      drip_position_ = 0;
      drip_step();
      return;
    default:
      break;
  }
  const auto request = HttpRequestHead::parse(std::string_view(head_.get(), head_length));
  if (!request) {
    respond(persona_->bad_request(), false, false);
    return;
  }
  // A request body would have to be read past; the emulator answers and closes instead.
  respond(persona_->response_for(request->method, request->path), request->keep_alive && !request->has_body,
          request->method == "HEAD");
}

void DeviceSession::respond(const PreparedPersona::Response& response, bool keep_alive, bool head_only) {
  state_ = State::write;
  keep_alive_ = keep_alive;
  hold_open_ = response.holds_open;
  // Counted from now, not from when the write completes, so that a client
  // holding the response knows where the deadline stands.
  if (keep_alive) idle_deadline_ = worker_.now() + worker_.limits().idle_timeout;
  const std::string& head = keep_alive ? response.head_keep_alive : response.head_close;
  const std::array<asio::const_buffer, 2> buffers = {asio::buffer(head),
                                                     head_only ? asio::const_buffer() : asio::buffer(response.body)};
  write(buffers, &DeviceSession::after_response);
}

void DeviceSession::after_response() {
  if (hold_open_) return discard();
  if (!keep_alive_) return shutdown_then_finish();
  // Bytes after the answered head (a pipelined request) move to the front.
  drop_consumed();
  const std::size_t end = HttpRequestHead::find_end(std::string_view(head_.get(), filled_), 0);
  if (end != 0) {
    handle_request(end);
  } else {
    read_request();
  }
}

void DeviceSession::drop_consumed() {
  std::memmove(head_.get(), head_.get() + consumed_, filled_ - consumed_);
  filled_ -= consumed_;
  consumed_ = 0;
}

// PPTP: control messages framed by their length. Until the SCCRQ the state is
// read_request (the idle timeout applies), then control (only the lifetime).
void DeviceSession::read_control() {
  in_flight_ = true;
  with_stream([this](auto& stream) {
    stream.async_read_some(asio::buffer(head_.get() + filled_, head_capacity_ - filled_),
                           [this](const error_code& ec, std::size_t n) {
                             in_flight_ = false;
                             if (ec || closing_) return finish();
                             filled_ += n;
                             on_control_bytes();
                           });
  });
}

void DeviceSession::on_control_bytes() {
  while (true) {
    const PptpMessage message = PptpMessage::frame(std::string_view(head_.get(), filled_));
    if (message.status == PptpMessage::Status::invalid) return finish();
    // A message is at most PptpMessage::kMaxBytes, less than any head buffer.
    if (message.status == PptpMessage::Status::incomplete) return read_control();
    consumed_ = message.length;
    if (state_ == State::read_request) {
      // The first message must open the control connection, as pptpd insists.
      if (!message.is_start_request()) return finish();
      state_ = State::write;
      return write(asio::buffer(persona_->reply()), &DeviceSession::after_start_reply);
    }
    if (message.is_stop_request()) {
      state_ = State::write;
      return write(asio::buffer(persona_->stop_reply()), &DeviceSession::finish);
    }
    // Anything else (echo requests, call requests) is read past.
    drop_consumed();
  }
}

void DeviceSession::after_start_reply() {
  if (persona_->cuts_reply()) return finish();
  drop_consumed();
  state_ = State::control;
  on_control_bytes();
}

void DeviceSession::stream_next() {
  state_ = State::stream;
  const std::string_view chunk = persona_->chunk();
  if (persona_->behavior() != Behavior::huge_body) {
    write(asio::buffer(chunk), &DeviceSession::stream_next);
    return;
  }
  if (stream_left_ == 0) return shutdown_then_finish();
  const std::size_t n = stream_left_ < chunk.size() ? static_cast<std::size_t>(stream_left_) : chunk.size();
  stream_left_ -= n;
  write(asio::buffer(chunk.data(), n), &DeviceSession::stream_next);
}

void DeviceSession::drip_step() {
  state_ = State::write;
  // From the send, like the idle deadline: the client's clock of reference.
  next_drip_ = worker_.now() + persona_->drip_interval();
  write(asio::buffer(persona_->opening().substr(drip_position_, 1)), &DeviceSession::after_drip);
}

void DeviceSession::after_drip() {
  ++drip_position_;
  if (drip_position_ >= persona_->opening().size()) return shutdown_then_finish();
  state_ = State::drip_wait;
}

void DeviceSession::discard() {
  state_ = State::discard;
  in_flight_ = true;
  with_stream([this](auto& stream) {
    stream.async_read_some(asio::buffer(head_.get(), head_capacity_), [this](const error_code& ec, std::size_t) {
      in_flight_ = false;
      if (ec || closing_) return finish();
      discard();
    });
  });
}

void DeviceSession::shutdown_then_finish() {
  if (!tls_) return finish();
  // close_notify, so a client reading to the end sees a clean end; the peer's
  // answer is awaited at most until the connection's lifetime ends.
  state_ = State::shutdown;
  in_flight_ = true;
  tls_->async_shutdown([this](const error_code&) {
    in_flight_ = false;
    finish();
  });
}

void DeviceSession::on_tick(Nanos now) {
  const bool waiting_for_peer = state_ == State::handshake || state_ == State::read_request;
  if (now >= lifetime_deadline_ || (waiting_for_peer && now >= idle_deadline_)) {
    finish();
    return;
  }
  if (state_ == State::drip_wait && now >= next_drip_) drip_step();
}

void DeviceSession::finish() {
  if (state_ == State::free) return;
  closing_ = true;
  error_code ignored;
  // Cancels the operation in flight; its handler comes back here.
  socket_.close(ignored);
  if (in_flight_) return;
  tls_.reset();
  state_ = State::free;
  worker_.release(*this);
}

}  // namespace fumidai::lab
