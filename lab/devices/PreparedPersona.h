#pragma once
// A persona turned into the bytes it sends, built once at start-up so that
// serving a request is a lookup and one gather write, with no formatting or
// allocation per request.
// Contract: immutable after construction; shared by every worker thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "DevicePersona.h"

namespace fumidai::lab {

class PreparedPersona {
 public:
  struct Response {
    std::string head_keep_alive;  // status line and headers, "Connection: keep-alive"
    std::string head_close;       // the same with "Connection: close"
    std::string body;
    // A page with a declared_length: both heads are the same (no Connection
    // header), and after the response the connection stays open, its input
    // discarded.
    bool holds_open = false;
  };

  explicit PreparedPersona(const DevicePersona& persona);

  const std::string& name() const { return name_; }
  DevicePersona::Behavior behavior() const { return behavior_; }
  bool terminates_tls() const { return terminates_tls_; }
  std::chrono::milliseconds drip_interval() const { return drip_interval_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

  // The page at `path` for `method` (a page that names the method before one
  // for any method), or the persona's 404.
  const Response& response_for(std::string_view method, std::string_view path) const;
  // For a head that is not HTTP/1.x or does not fit the head limit.
  const Response& bad_request() const { return bad_request_; }
  // What a streaming behavior sends first: endless-headers' status line and
  // headers, huge-body's head, drip's whole "/" response, banner's banner.
  std::string_view opening() const { return opening_; }
  // What it then repeats: header lines, zeros, IAC DO/WILL for every option;
  // for tls-garbage, the garbage, sent once.
  std::string_view chunk() const { return chunk_; }

  // pptp: the Start-Control-Connection-Reply as sent (finish_reply applied);
  // l2tp: the SCCRP to address (L2tpMessage::address_start_reply) and finish.
  std::string_view reply() const { return reply_; }
  // pptp: the Stop-Control-Connection-Reply.
  std::string_view stop_reply() const { return stop_reply_; }
  // ssdp: the reply to a search for `st`, finished; empty when the device is
  // not what the search looks for. ssdp:all gets the upnp:rootdevice reply
  // alone (a real device sends one per device and service it has).
  std::string_view search_reply(std::string_view st) const;
  // Applies reply_patch, then reply_bytes, to one of main_replies().
  void finish_reply(std::string& reply) const;
  // Whether replies are cut short (reply_bytes): a TCP behavior then closes.
  bool cuts_reply() const { return reply_bytes_ != 0; }
  unsigned reply_copies() const { return reply_copies_; }

  // Every main reply a binary behavior can send, before finish_reply(), so
  // that DeviceConfig can check reply_patch and reply_bytes against them:
  // pptp's and l2tp's SCCRP, ssdp's replies to upnp:rootdevice, the UDN and
  // the device type (in that order).
  static std::vector<std::string> main_replies(const DevicePersona& persona);

 private:
  struct Page {
    std::string path;
    std::string method;  // empty: any
    Response response;
  };

  std::string name_;
  DevicePersona::Behavior behavior_;
  bool terminates_tls_;
  std::chrono::milliseconds drip_interval_;
  std::uint64_t body_bytes_;
  std::vector<Page> pages_;
  Response not_found_;
  Response bad_request_;
  std::string opening_;
  std::string chunk_;
  std::string reply_;
  std::string stop_reply_;
  std::vector<std::string> search_replies_;  // as main_replies() orders them
  std::string ssdp_udn_;
  std::string ssdp_device_type_;
  std::optional<DevicePersona::ReplyPatch> reply_patch_;
  std::size_t reply_bytes_;
  unsigned reply_copies_;
};

}  // namespace fumidai::lab
