#include "DeviceDatagramEndpoint.h"

#include <fmt/format.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include "DeviceWorker.h"
#include "L2tpMessage.h"
#include "SsdpSearch.h"

namespace fumidai::lab {
namespace {

namespace asio = boost::asio;
using Behavior = DevicePersona::Behavior;
using error_code = boost::system::error_code;

}  // namespace

DeviceDatagramEndpoint::DeviceDatagramEndpoint(DeviceWorker& worker, const DeviceEndpoint& endpoint)
    : worker_(worker),
      endpoint_(endpoint),
      socket_(worker.context()),
      capacity_(worker.limits().max_datagram_bytes + 1),
      buffer_(std::make_unique<char[]>(capacity_)),
      limiter_(worker.limits().udp_replies_per_source_per_second) {}

Result<> DeviceDatagramEndpoint::open() {
  const asio::ip::udp::endpoint address(endpoint_.address.address(), endpoint_.address.port());
  error_code ec;
  const auto fail = [&](std::string_view step) {
    return make_error(
        fmt::format("cannot {} udp {}:{}: {}", step, address.address().to_string(), address.port(), ec.message()));
  };
  if (socket_.open(address.protocol(), ec)) return fail("open a socket for");
  // miniupnpd binds 0.0.0.0:1900 with SO_REUSEADDR; a persona's own address
  // beside it needs the option too (unicast goes to the exact binding).
  if (socket_.set_option(asio::socket_base::reuse_address(true), ec)) return fail("set SO_REUSEADDR on");
  if (socket_.bind(address, ec)) return fail("bind");
  if (socket_.non_blocking(true, ec)) return fail("make non-blocking");
  return {};
}

void DeviceDatagramEndpoint::start() { receive(); }

void DeviceDatagramEndpoint::on_tick() {
  if (!retry_) return;
  retry_ = false;
  receive();
}

void DeviceDatagramEndpoint::receive() {
  socket_.async_receive_from(asio::buffer(buffer_.get(), capacity_), peer_,
                             [this](const error_code& ec, std::size_t size) {
                               if (ec == asio::error::operation_aborted) return;
                               if (ec) {
                                 retry_ = true;
                                 return;
                               }
                               on_datagram(size);
                               receive();
                             });
}

void DeviceDatagramEndpoint::on_datagram(std::size_t size) {
  if (size >= capacity_) return;
  const std::string_view request(buffer_.get(), size);
  const PreparedPersona& persona = *endpoint_.persona;
  if (persona.behavior() == Behavior::l2tp) {
    const auto message = L2tpMessage::parse(request);
    if (!message) return;
    if (message->is_start_request()) {
      reply_.assign(persona.reply());
      L2tpMessage::address_start_reply(reply_, *message, next_tunnel_id_);
      // Tunnel id 0 means "none yet": skipped when the count wraps.
      next_tunnel_id_ = next_tunnel_id_ == 0xFFFF ? 1 : static_cast<std::uint16_t>(next_tunnel_id_ + 1);
      persona.finish_reply(reply_);
      send(reply_, persona.reply_copies());
    } else if (message->is_stop_notify()) {
      // A tunnel the emulator never keeps: acknowledged, then forgotten.
      send(L2tpMessage::zlb_ack(*message), 1);
    }
  } else if (persona.behavior() == Behavior::ssdp) {
    const auto search = SsdpSearch::parse(request);
    if (search) send(persona.search_reply(search->st), persona.reply_copies());
  }
}

void DeviceDatagramEndpoint::send(std::string_view reply, unsigned copies) {
  if (reply.empty()) return;
  const std::uint32_t source = peer_.address().to_v4().to_uint();
  for (unsigned i = 0; i < copies && limiter_.allow(source, worker_.now()); ++i) {
    error_code ignored;
    socket_.send_to(asio::buffer(reply.data(), reply.size()), peer_, 0, ignored);
  }
}

}  // namespace fumidai::lab
