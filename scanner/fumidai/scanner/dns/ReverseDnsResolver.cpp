#include "fumidai/scanner/dns/ReverseDnsResolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

Result<ares_addr_port_node> parse_server(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_input_error(fmt::format("bad DNS server {}: {}", quote_bytes(text), why));
  };
  std::string_view host = text;
  std::optional<std::string_view> port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("expected [IPv6]:PORT");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return bad("expected [IPv6]:PORT");
      port_text = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const std::size_t colon = text.find(':');
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  ares_addr_port_node node{};
  node.udp_port = node.tcp_port = 53;
  const std::string host_z(host);
  if (inet_pton(AF_INET, host_z.c_str(), &node.addr.addr4) == 1)
    node.family = AF_INET;
  else if (inet_pton(AF_INET6, host_z.c_str(), &node.addr.addr6) == 1)
    node.family = AF_INET6;
  else
    return bad("expected an IP address, IP:PORT or [IPv6]:PORT");
  if (port_text) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text->data(), port_text->data() + port_text->size(), port);
    if (ec != std::errc() || end != port_text->data() + port_text->size() || port == 0 || port > 65535)
      return bad("port must be 1-65535");
    node.udp_port = node.tcp_port = static_cast<int>(port);
  }
  return node;
}

Error lookup_error(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
      return make_error("NXDOMAIN");
    case ARES_ENODATA:
      return make_error("no PTR record");
    case ARES_ETIMEOUT:
      return make_error("timeout");
    case ARES_ESERVFAIL:
      return make_error("SERVFAIL");
    case ARES_EREFUSED:
      return make_error("REFUSED");
    case ARES_ECONNREFUSED:
      return make_error("connection refused");
    case ARES_EBADRESP:
      return make_error("bad response");
    case ARES_ECANCELLED:
      return make_error("cancelled");
    case ARES_EDESTRUCTION:
      return make_error("resolver destroyed");
    default:
      return make_error(ares_strerror(status));
  }
}

std::string reverse_name(std::uint32_t ip) {
  return fmt::format("{}.{}.{}.{}.in-addr.arpa", ip & 0xFF, (ip >> 8) & 0xFF, (ip >> 16) & 0xFF, ip >> 24);
}

Result<std::string> parse_answer(const unsigned char* answer, int length, std::uint32_t ip) {
  in_addr address{htonl(ip)};
  hostent* host = nullptr;
  const int status = ares_parse_ptr_reply(answer, length, &address, sizeof address, AF_INET, &host);
  if (status != ARES_SUCCESS) return lookup_error(status);
  std::string name = host->h_name != nullptr ? host->h_name : "";
  ares_free_hostent(host);
  if (name.empty()) return make_error("bad response");
  if (name.size() > ReverseDnsResolver::kMaxPtrNameBytes) return make_error("PTR name too long");
  return json_safe_text(name);
}

}  // namespace

struct ReverseDnsResolver::Impl : std::enable_shared_from_this<Impl> {
  struct Watch {
    explicit Watch(asio::io_context& io) : descriptor(io) {}
    asio::posix::stream_descriptor descriptor;
    bool want_read = false;
    bool want_write = false;
    bool read_armed = false;
    bool write_armed = false;
  };
  struct Waiting {
    std::uint32_t ip;
    Callback done;
  };
  // Owned by c-ares between ares_query() and on_answer().
  struct Query {
    Impl* impl;
    std::uint32_t ip;
    Callback done;
  };

  Impl(asio::io_context& context, const Options& options)
      : io(context), max_in_flight(options.max_in_flight), max_queued(options.max_queued), timer(context) {}

  ~Impl() {  // NOLINT(bugprone-exception-escape): only bad_alloc, as in the callbacks
    for (Waiting& w : std::exchange(queue, {})) deliver(std::move(w.done), make_error("resolver destroyed"));
    // Answers every query with ARES_EDESTRUCTION and reports each socket
    // closed, which releases its descriptor.
    if (channel != nullptr) ares_destroy(channel);
    // c-ares owns the descriptors: never let asio close one (its number may
    // already belong to someone else).
    for (auto& [fd, watch] : watches) watch->descriptor.release();
  }

  void deliver(Callback done, Result<std::string> result) {
    asio::post(io, [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

  // The c-ares callbacks are noexcept because nothing may unwind through
  // c-ares' C frames; only bad_alloc could be thrown, and then terminating is
  // the honest outcome.
  // NOLINTNEXTLINE(bugprone-exception-escape)
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) noexcept {
    static_cast<Impl*>(data)->socket_state(fd, readable != 0, writable != 0);
  }

  void socket_state(ares_socket_t fd, bool readable, bool writable) {
    auto it = watches.find(fd);
    if (!readable && !writable) {
      // c-ares closes the socket next; releasing also cancels our waits.
      if (it != watches.end()) {
        it->second->descriptor.release();
        watches.erase(it);
      }
      return;
    }
    if (it == watches.end()) {
      auto watch = std::make_shared<Watch>(io);
      boost::system::error_code ec;
      watch->descriptor.assign(fd, ec);
      // Not watchable: c-ares' timeout still ends the queries on it.
      if (ec) return;
      it = watches.emplace(fd, std::move(watch)).first;
    }
    it->second->want_read = readable;
    it->second->want_write = writable;
    arm(fd, it->second);
  }

  void arm(ares_socket_t fd, const std::shared_ptr<Watch>& watch) {
    if (watch->want_read && !watch->read_armed) arm_one(fd, watch, true);
    if (watch->want_write && !watch->write_armed) arm_one(fd, watch, false);
  }

  // asio's epoll reactor is edge-triggered and async_wait never checks the
  // descriptor first, so bytes c-ares left unread (it reads TCP one message
  // at a time) would wait for the next packet. Checking with poll() first
  // gives the level-triggered behaviour c-ares expects.
  void arm_one(ares_socket_t fd, const std::shared_ptr<Watch>& watch, bool read) {
    (read ? watch->read_armed : watch->write_armed) = true;
    auto handler = [self = weak_from_this(), w = std::weak_ptr(watch), fd, read](boost::system::error_code ec) {
      if (auto impl = self.lock()) impl->ready(fd, w, ec, read);
    };
    pollfd ready_now{fd, static_cast<short>(read ? POLLIN : POLLOUT), 0};
    if (::poll(&ready_now, 1, 0) > 0) {
      asio::post(io, [handler = std::move(handler)]() mutable { handler({}); });
      return;
    }
    watch->descriptor.async_wait(
        read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write, std::move(handler));
  }

  void ready(ares_socket_t fd, const std::weak_ptr<Watch>& weak_watch, boost::system::error_code ec, bool read) {
    const std::shared_ptr<Watch> watch = weak_watch.lock();
    if (!watch) return;  // c-ares closed the socket meanwhile
    (read ? watch->read_armed : watch->write_armed) = false;
    if (ec) return;
    process(read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
    // The socket may have been closed, and its number reused, inside c-ares.
    if (auto it = watches.find(fd); it != watches.end() && it->second == watch) arm(fd, watch);
  }

  void process(ares_socket_t read_fd, ares_socket_t write_fd) {
    ares_process_fd(channel, read_fd, write_fd);
    pump();
    schedule_timer();
  }

  void schedule_timer() {
    timeval tv{};
    if (ares_timeout(channel, nullptr, &tv) == nullptr) {
      if (timer_deadline) {
        timer.cancel();
        timer_deadline.reset();
      }
      return;
    }
    const Clock::time_point deadline =
        Clock::now() + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
    // An earlier wake-up already set will recompute the next one itself.
    if (timer_deadline && *timer_deadline <= deadline) return;
    timer_deadline = deadline;
    timer.expires_at(deadline);
    timer.async_wait([self = weak_from_this()](boost::system::error_code ec) {
      auto impl = self.lock();
      if (!impl || ec) return;
      impl->timer_deadline.reset();
      impl->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    });
  }

  void start(std::uint32_t ip, Callback done) {
    ++in_flight;
    peak_in_flight = std::max(peak_in_flight, in_flight);
    auto query = std::make_unique<Query>(Query{this, ip, std::move(done)});
    ares_query(channel, reverse_name(ip).c_str(), ns_c_in, ns_t_ptr, &Impl::on_answer, query.release());
  }

  // Never starts queries or runs callbacks itself: c-ares may be inside
  // ares_process_fd, ares_cancel or ares_destroy.
  // NOLINTNEXTLINE(bugprone-exception-escape)
  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) noexcept {
    std::unique_ptr<Query> query(static_cast<Query*>(arg));
    Impl& impl = *query->impl;
    --impl.in_flight;
    impl.deliver(std::move(query->done),
                 status == ARES_SUCCESS ? parse_answer(answer, length, query->ip) : lookup_error(status));
  }

  void pump() {
    while (in_flight < max_in_flight && !queue.empty()) {
      Waiting next = std::move(queue.front());
      queue.pop_front();
      start(next.ip, std::move(next.done));
    }
  }

  asio::io_context& io;
  const std::size_t max_in_flight;
  const std::size_t max_queued;
  ares_channel channel = nullptr;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches;
  std::deque<Waiting> queue;
  std::size_t in_flight = 0;
  std::size_t peak_in_flight = 0;
  asio::steady_timer timer;
  std::optional<Clock::time_point> timer_deadline;
};

Result<std::unique_ptr<ReverseDnsResolver>> ReverseDnsResolver::create(asio::io_context& io, const Options& options) {
  if (options.servers.size() > kMaxServers)
    return make_input_error(fmt::format("too many DNS servers: {} (at most {})", options.servers.size(), kMaxServers));
  std::vector<ares_addr_port_node> servers;
  for (const std::string& text : options.servers) {
    auto node = parse_server(text);
    if (!node) return node.error();
    servers.push_back(*node);
  }
  if (options.max_in_flight == 0 || options.max_in_flight > kMaxInFlight)
    return make_input_error(fmt::format("DNS max in flight must be 1-{}, not {}", kMaxInFlight, options.max_in_flight));
  if (options.max_queued > kMaxQueued)
    return make_input_error(fmt::format("DNS max queued must be at most {}, not {}", kMaxQueued, options.max_queued));
  if (options.timeout < std::chrono::milliseconds(1) || options.timeout > std::chrono::seconds(60))
    return make_input_error(fmt::format("DNS timeout must be 1 ms to 60 s, not {} ms", options.timeout.count()));
  if (options.tries < 1 || options.tries > 10)
    return make_input_error(fmt::format("DNS tries must be 1-10, not {}", options.tries));

  static std::once_flag library_once;
  static int library_status = ARES_SUCCESS;
  std::call_once(library_once, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS)
    return make_error(fmt::format("c-ares initialisation failed: {}", ares_strerror(library_status)));

  auto impl = std::make_shared<Impl>(io, options);
  ares_options ares{};
  ares.sock_state_cb = &Impl::on_socket_state;
  ares.sock_state_cb_data = impl.get();
  ares.timeout = static_cast<int>(options.timeout.count());
  ares.tries = options.tries;
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  if (const int status = ares_init_options(&impl->channel, &ares, mask); status != ARES_SUCCESS) {
    impl->channel = nullptr;
    return make_error(fmt::format("c-ares channel: {}", ares_strerror(status)));
  }
  if (!servers.empty()) {
    for (std::size_t i = 0; i + 1 < servers.size(); ++i) servers[i].next = &servers[i + 1];
    if (const int status = ares_set_servers_ports(impl->channel, servers.data()); status != ARES_SUCCESS)
      return make_error(fmt::format("c-ares servers: {}", ares_strerror(status)));
  }
  return std::unique_ptr<ReverseDnsResolver>(new ReverseDnsResolver(std::move(impl)));
}

ReverseDnsResolver::ReverseDnsResolver(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ReverseDnsResolver::~ReverseDnsResolver() = default;

void ReverseDnsResolver::lookup(std::uint32_t ipv4_host_order, Callback done) {
  Impl& impl = *impl_;
  if (impl.in_flight < impl.max_in_flight) {
    impl.start(ipv4_host_order, std::move(done));
    impl.schedule_timer();
  } else if (impl.queue.size() < impl.max_queued) {
    impl.queue.push_back({ipv4_host_order, std::move(done)});
  } else {
    impl.deliver(std::move(done), make_error("queue full"));
  }
}

void ReverseDnsResolver::cancel_all() {
  Impl& impl = *impl_;
  for (Impl::Waiting& w : std::exchange(impl.queue, {})) impl.deliver(std::move(w.done), make_error("cancelled"));
  ares_cancel(impl.channel);
  impl.schedule_timer();
}

std::size_t ReverseDnsResolver::in_flight() const { return impl_->in_flight; }
std::size_t ReverseDnsResolver::queued() const { return impl_->queue.size(); }
std::size_t ReverseDnsResolver::peak_in_flight() const { return impl_->peak_in_flight; }

}  // namespace fumidai::scanner
