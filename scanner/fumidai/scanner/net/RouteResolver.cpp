#include "fumidai/scanner/net/RouteResolver.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "fumidai/scanner/io/FileDescriptor.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {
namespace {

constexpr Nanos kNeighbourWait = std::chrono::seconds(3);
constexpr Nanos kNeighbourPoll = std::chrono::milliseconds(50);
constexpr std::size_t kNetlinkBuffer = 1 << 16;

struct RouteAnswer {
  int oif = 0;
  std::optional<std::uint32_t> gateway;
  std::optional<std::uint32_t> prefsrc;
};

// NLMSG_OK with its length comparison between matching types: the macro
// compares nlmsg_len (__u32) with an int, which clang's -Wsign-compare flags
// because the int comes from this file.
bool netlink_ok(const nlmsghdr* h, int remaining) {
  return remaining >= static_cast<int>(sizeof(nlmsghdr)) && h->nlmsg_len >= sizeof(nlmsghdr) &&
         h->nlmsg_len <= static_cast<unsigned>(remaining);
}

// Sends one rtnetlink request and hands every reply message to `on_message`
// until NLMSG_DONE (dumps) or the first non-multipart answer.
template <class OnMessage>
Result<> netlink_exchange(void* request, std::size_t length, OnMessage on_message) {
  FileDescriptor fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (fd.get() < 0) return make_error(fmt::format("netlink socket: {}", std::strerror(errno)));
  if (::send(fd.get(), request, length, 0) < 0)
    return make_error(fmt::format("netlink send: {}", std::strerror(errno)));
  std::vector<std::uint8_t> buffer(kNetlinkBuffer);
  while (true) {
    const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return make_error(fmt::format("netlink recv: {}", std::strerror(errno)));
    int remaining = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); netlink_ok(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) return {};
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (err->error == 0) return {};
        return make_error(fmt::format("netlink: {}", std::strerror(-err->error)));
      }
      on_message(h);
      if (!(h->nlmsg_flags & NLM_F_MULTI)) return {};
    }
  }
}

Result<RouteAnswer> lookup_route(std::uint32_t toward) {
  struct {
    nlmsghdr header;
    rtmsg route;
    std::array<char, 64> attributes;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  request.header.nlmsg_type = RTM_GETROUTE;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.route.rtm_family = AF_INET;
  request.route.rtm_dst_len = 32;
  auto* attr = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) + NLMSG_ALIGN(request.header.nlmsg_len));
  attr->rta_type = RTA_DST;
  attr->rta_len = RTA_LENGTH(4);
  const std::uint32_t dst = htonl(toward);
  std::memcpy(RTA_DATA(attr), &dst, 4);
  request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_ALIGN(attr->rta_len);

  RouteAnswer answer;
  auto done = netlink_exchange(&request, request.header.nlmsg_len, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWROUTE) return;
    auto* rt = static_cast<rtmsg*>(NLMSG_DATA(h));
    int len = static_cast<int>(RTM_PAYLOAD(h));
    for (auto* a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      std::uint32_t v = 0;
      if (RTA_PAYLOAD(a) >= 4) std::memcpy(&v, RTA_DATA(a), 4);
      if (a->rta_type == RTA_OIF) answer.oif = static_cast<int>(v);
      if (a->rta_type == RTA_GATEWAY) answer.gateway = ntohl(v);
      if (a->rta_type == RTA_PREFSRC) answer.prefsrc = ntohl(v);
    }
  });
  if (!done) return make_error(fmt::format("no route toward {}: {}", format_ipv4(toward), done.error().message));
  if (answer.oif == 0) return make_error(fmt::format("no route toward {}", format_ipv4(toward)));
  return answer;
}

std::optional<MacAddress> lookup_neighbour(int ifindex, std::uint32_t address) {
  struct {
    nlmsghdr header;
    ndmsg neighbour;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  request.header.nlmsg_type = RTM_GETNEIGH;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.neighbour.ndm_family = AF_INET;
  std::optional<MacAddress> found;
  auto done = netlink_exchange(&request, request.header.nlmsg_len, [&](nlmsghdr* h) {
    if (h->nlmsg_type != RTM_NEWNEIGH) return;
    auto* nd = static_cast<ndmsg*>(NLMSG_DATA(h));
    if (nd->ndm_ifindex != ifindex || (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED))) return;
    int len = static_cast<int>(NLMSG_PAYLOAD(h, sizeof(ndmsg)));
    std::optional<std::uint32_t> dst;
    std::optional<MacAddress> mac;
    for (auto* a = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(nd) + NLMSG_ALIGN(sizeof(ndmsg))); RTA_OK(a, len);
         a = RTA_NEXT(a, len)) {
      if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4) {
        std::uint32_t v = 0;
        std::memcpy(&v, RTA_DATA(a), 4);
        dst = ntohl(v);
      }
      if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
        MacAddress m{};
        std::memcpy(m.data(), RTA_DATA(a), 6);
        mac = m;
      }
    }
    if (dst == address && mac) found = mac;
  });
  return done ? found : std::nullopt;
}

// The kernel resolves a neighbour only when it has traffic for it, so one UDP
// datagram to the gateway's discard port starts ARP (the gateway is the
// next hop for every probe anyway).
void provoke_arp(const std::string& interface, std::uint32_t gateway) {
  FileDescriptor fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), static_cast<socklen_t>(interface.size()));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  to.sin_addr.s_addr = htonl(gateway);
  ::sendto(fd.get(), "", 0, 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
}

Result<MacAddress> interface_mac(const std::string& interface) {
  FileDescriptor fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq request{};
  std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (fd.get() < 0 || ::ioctl(fd.get(), SIOCGIFHWADDR, &request) < 0) {
    return make_error(fmt::format("cannot read MAC address of interface '{}': {}", interface, std::strerror(errno)));
  }
  MacAddress mac{};
  std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, 6);
  return mac;
}

std::optional<std::uint32_t> interface_address(const std::string& interface) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::uint32_t> found;
  for (auto* i = list; i && !found; i = i->ifa_next) {
    if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && interface == i->ifa_name) {
      found = ntohl(reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
    }
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace

Result<NetworkPath> RouteResolver::resolve(std::uint32_t toward, const NetworkOverrides& overrides) const {
  auto route = lookup_route(toward);
  NetworkPath path;
  if (overrides.interface) {
    path.interface = *overrides.interface;
    path.interface_index = static_cast<int>(::if_nametoindex(path.interface.c_str()));
    if (path.interface_index == 0) return make_error(fmt::format("no such interface '{}'", path.interface));
  } else {
    if (!route) return route.error();
    std::array<char, IF_NAMESIZE> name{};
    if (!::if_indextoname(static_cast<unsigned>(route->oif), name.data())) {
      return make_error(fmt::format("route toward {} uses unknown interface {}", format_ipv4(toward), route->oif));
    }
    path.interface = name.data();
    path.interface_index = route->oif;
  }
  auto mac = interface_mac(path.interface);
  if (!mac) return mac.error();
  path.source_mac = *mac;

  if (overrides.source_ip) {
    path.source_ip = *overrides.source_ip;
  } else if (route && route->prefsrc && route->oif == path.interface_index) {
    path.source_ip = *route->prefsrc;
  } else if (auto address = interface_address(path.interface)) {
    path.source_ip = *address;
  } else {
    return make_error(fmt::format("interface '{}' has no IPv4 address; give -S", path.interface));
  }

  if (overrides.gateway_mac) {
    path.gateway_mac = *overrides.gateway_mac;
    return path;
  }
  if (!route || !route->gateway) {
    return make_error(fmt::format("no gateway on the route toward {}; give -G/--gateway-mac", format_ipv4(toward)));
  }
  const Nanos deadline = clock_.now() + kNeighbourWait;
  bool provoked = false;
  while (true) {
    if (auto gw = lookup_neighbour(path.interface_index, *route->gateway)) {
      path.gateway_mac = *gw;
      return path;
    }
    if (clock_.now() > deadline) break;
    if (!provoked) provoke_arp(path.interface, *route->gateway);
    provoked = true;
    clock_.sleep_until(clock_.now() + kNeighbourPoll);
  }
  return make_error(fmt::format("cannot resolve the MAC address of gateway {} on '{}'; give -G/--gateway-mac",
                                format_ipv4(*route->gateway), path.interface));
}

}  // namespace fumidai::scanner
