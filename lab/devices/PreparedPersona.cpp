#include "PreparedPersona.h"

#include <fmt/format.h>

#include <algorithm>

namespace fumidai::lab {
namespace {

constexpr std::size_t kFillerChunkBytes = std::size_t{16} * 1024;
constexpr std::size_t kZeroChunkBytes = std::size_t{64} * 1024;
constexpr std::size_t kGarbageBytes = 1024;
constexpr unsigned char kIac = 255, kWill = 251, kDo = 253;

std::string status_and_headers(int status, std::string_view reason, const DevicePersona::Headers& persona_headers,
                               const DevicePersona::Headers& page_headers) {
  std::string head = fmt::format("HTTP/1.1 {} {}\r\n", status, reason);
  for (const auto* list : {&persona_headers, &page_headers}) {
    for (const auto& [name, value] : *list) head.append(name).append(": ").append(value).append("\r\n");
  }
  return head;
}

PreparedPersona::Response make_response(int status, std::string_view reason,
                                        const DevicePersona::Headers& persona_headers,
                                        const DevicePersona::Headers& page_headers, std::string body) {
  const std::string head = status_and_headers(status, reason, persona_headers, page_headers) +
                           fmt::format("Content-Length: {}\r\n", body.size());
  return {head + "Connection: keep-alive\r\n\r\n", head + "Connection: close\r\n\r\n", std::move(body)};
}

std::string error_page(int status, std::string_view reason) {
  return fmt::format("<html><head><title>{0} {1}</title></head><body><h1>{0} {1}</h1></body></html>\n", status, reason);
}

const DevicePersona::Headers kHtml = {{"Content-Type", "text/html"}};

// Deterministic bytes that no TLS client takes for a record: the version
// field (bytes 1-2) is never 3.x, so the handshake fails at the first record
// instead of waiting for a length that never arrives.
std::string garbage() {
  std::string out(kGarbageBytes, '\0');
  std::uint32_t state = 0x2545F491u;
  for (auto& c : out) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>(state >> 24);
  }
  out[1] = static_cast<char>(0xfe);
  return out;
}

std::string telnet_storm() {
  std::string out;
  for (unsigned option = 0; option < 256; ++option) {
    for (const unsigned char command : {kDo, kWill}) {
      out.push_back(static_cast<char>(kIac));
      out.push_back(static_cast<char>(command));
      out.push_back(static_cast<char>(option));
    }
  }
  return out;
}

std::string header_filler() {
  std::string out;
  for (unsigned n = 0; out.size() < kFillerChunkBytes; ++n) {
    out += fmt::format("X-Filler-{:04}: {}\r\n", n, std::string(96, 'a'));
  }
  return out;
}

}  // namespace

PreparedPersona::PreparedPersona(const DevicePersona& persona)
    : name_(persona.name),
      behavior_(persona.behavior),
      terminates_tls_(persona.terminates_tls()),
      drip_interval_(persona.drip_interval),
      body_bytes_(persona.body_bytes),
      not_found_(make_response(404, "Not Found", persona.headers, kHtml, error_page(404, "Not Found"))),
      bad_request_(make_response(400, "Bad Request", persona.headers, kHtml, error_page(400, "Bad Request"))) {
  for (const auto& page : persona.pages) {
    pages_.push_back({page.path, make_response(page.status, page.reason, persona.headers, page.headers, page.body)});
  }
  using Behavior = DevicePersona::Behavior;
  switch (behavior_) {
    case Behavior::endless_headers:
      opening_ = status_and_headers(200, "OK", persona.headers, {});
      chunk_ = header_filler();
      break;
    case Behavior::huge_body:
      opening_ = status_and_headers(200, "OK", persona.headers, {{"Content-Type", "application/octet-stream"}}) +
                 fmt::format("Content-Length: {}\r\nConnection: close\r\n\r\n", body_bytes_);
      chunk_.assign(kZeroChunkBytes, '\0');
      break;
    case Behavior::drip: {
      const Response& root = response_for("/");
      opening_ = root.head_close + root.body;
      break;
    }
    case Behavior::tls_garbage:
      chunk_ = garbage();
      break;
    case Behavior::telnet_storm:
      chunk_ = telnet_storm();
      break;
    case Behavior::banner:
      opening_ = persona.banner;
      break;
    case Behavior::http:
    case Behavior::silent:
    case Behavior::close:
      break;
  }
}

const PreparedPersona::Response& PreparedPersona::response_for(std::string_view path) const {
  const auto page = std::find_if(pages_.begin(), pages_.end(), [&](const Page& p) { return p.path == path; });
  return page == pages_.end() ? not_found_ : page->response;
}

}  // namespace fumidai::lab
