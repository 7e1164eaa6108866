#pragma once
// A persona turned into the bytes it sends, built once at start-up so that
// serving a request is a lookup and one gather write, with no formatting or
// allocation per request.
// Contract: immutable after construction; shared by every worker thread.
#include <chrono>
#include <cstdint>
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
  };

  explicit PreparedPersona(const DevicePersona& persona);

  const std::string& name() const { return name_; }
  DevicePersona::Behavior behavior() const { return behavior_; }
  bool terminates_tls() const { return terminates_tls_; }
  std::chrono::milliseconds drip_interval() const { return drip_interval_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

  // The page at `path`, or the persona's 404.
  const Response& response_for(std::string_view path) const;
  // For a head that is not HTTP/1.x or does not fit the head limit.
  const Response& bad_request() const { return bad_request_; }
  // What a streaming behavior sends first: endless-headers' status line and
  // headers, huge-body's head, drip's whole "/" response, banner's banner.
  std::string_view opening() const { return opening_; }
  // What it then repeats: header lines, zeros, IAC DO/WILL for every option;
  // for tls-garbage, the garbage, sent once.
  std::string_view chunk() const { return chunk_; }

 private:
  struct Page {
    std::string path;
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
};

}  // namespace fumidai::lab
