#pragma once
// One emulated device (or hostile peer) as configured: what it is, where it
// listens and how it answers. DeviceConfig builds these from the config file;
// PreparedPersona turns one into ready-to-send bytes.
// Contract: plain value type. Header names and values, banners and bodies are
// byte strings (std::string as bytes): they may hold NUL and non-UTF-8 bytes.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CertificateSpec.h"

namespace fumidai::lab {

struct DevicePersona {
  enum class Behavior {
    http,             // pages by path, 404 for the rest, HTTP/1.1 keep-alive
    endless_headers,  // after the request: a status line, then header lines forever
    huge_body,        // after the request: Content-Length: body_bytes, then that many zeros
    drip,             // after the request: the "/" page, one byte per drip_interval
    tls_garbage,      // after the first bytes from the client: garbage instead of a ServerHello
    telnet_storm,     // at once: IAC DO / IAC WILL for every option, forever
    banner,           // at once: the banner bytes, then silence until the peer closes
    silent,           // accepts and never sends
    close,            // accepts and closes at once
    pptp,             // PPTP control connection: SCCRQ -> SCCRP, StopCCRQ -> StopCCRP (TCP)
    l2tp,             // L2TP control channel: SCCRQ -> SCCRP, StopCCN -> ZLB ack (UDP)
    ssdp,             // SSDP: unicast M-SEARCH -> search reply (UDP)
  };

  enum class Transport { tcp, udp };

  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Page {
    std::string path;  // exact match against the request path without its query
    int status = 200;
    std::string reason;
    Headers headers;  // after the persona's headers
    std::string body;
    std::string method;  // only requests with this method get the page; empty: any method
    // Set: the head says Content-Length: declared_length (and no Connection),
    // the body follows, and the connection then stays open, its input
    // discarded (SSTP's duplex POST: a body that never ends).
    std::optional<std::uint64_t> declared_length;
  };

  struct Listen {
    std::string ip;  // dotted quad
    std::uint16_t port = 0;
    bool tls = false;  // a grabber should speak TLS here
    Transport transport = Transport::tcp;
  };

  // What a PPTP or L2TP server says about itself in its SCCRP.
  struct Tunnel {
    std::string host_name;  // bytes; PPTP pads it with NULs to 64
    std::string vendor;     // bytes; likewise
    std::uint16_t firmware_revision = 0;
    std::uint32_t framing_capabilities = 3;  // async | sync
    std::uint32_t bearer_capabilities = 3;   // analog | digital
    std::uint16_t max_channels = 0;          // PPTP only
  };

  // An SSDP responder's answer to a search (UPnP Device Architecture 1.1, 1.3.3).
  struct Ssdp {
    std::string server;       // SERVER: bytes
    std::string location;     // LOCATION: the description's URL, as the device's LAN sees it
    std::string udn;          // uuid:...; USN is built from it
    std::string device_type;  // urn:...:device:...:N
    unsigned max_age_s = 1800;
  };

  // Bytes written over a binary behavior's main reply (PPTP's and L2TP's
  // SCCRP, SSDP's search reply) at an offset: a wrong magic cookie, a length
  // field that lies, ...
  struct ReplyPatch {
    std::size_t offset = 0;
    std::string bytes;
  };

  std::string name;             // the service column of --print-services
  std::string protocol;         // what a grabber should report: http, telnet, ftp, ...
  std::string expected_status;  // ZGrab2 vocabulary: success, io-timeout, protocol-error, ...
  Behavior behavior = Behavior::http;
  std::vector<Listen> listen;
  Headers headers;  // first on every HTTP response of this persona (Server, ...)
  std::vector<Page> pages;
  std::optional<CertificateSpec> certificate;  // for listen entries with tls, unless the behavior never handshakes
  std::string banner;                          // Behavior::banner
  std::uint64_t body_bytes = 0;                // Behavior::huge_body
  std::chrono::milliseconds drip_interval{1000};
  Tunnel tunnel;  // Behavior::pptp, Behavior::l2tp
  Ssdp ssdp;      // Behavior::ssdp
  std::optional<ReplyPatch> reply_patch;
  std::size_t reply_bytes = 0;  // non-zero: only this much of the main reply is sent (TCP: then a close)
  unsigned reply_copies = 1;    // UDP: the main reply sent this many times (within the rate limit)

  // Whether this persona completes a TLS handshake on its tls listen entries
  // before behaving (the others never get that far).
  bool terminates_tls() const {
    return behavior != Behavior::tls_garbage && behavior != Behavior::silent && behavior != Behavior::close;
  }
  // Whether the behavior starts after reading an HTTP request head.
  bool reads_request() const {
    return behavior == Behavior::http || behavior == Behavior::endless_headers || behavior == Behavior::huge_body ||
           behavior == Behavior::drip;
  }
  // Whether the behavior answers datagrams (UDP listen entries) instead of connections.
  bool answers_datagrams() const { return behavior == Behavior::l2tp || behavior == Behavior::ssdp; }
};

}  // namespace fumidai::lab
