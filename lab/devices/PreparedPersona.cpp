#include "PreparedPersona.h"

#include <fmt/format.h>

#include <algorithm>

#include "L2tpMessage.h"
#include "PptpMessage.h"
#include "SsdpSearch.h"

namespace fumidai::lab {
namespace {

constexpr std::size_t kFillerChunkBytes = std::size_t{16} * 1024;
constexpr std::size_t kZeroChunkBytes = std::size_t{64} * 1024;
constexpr std::size_t kGarbageBytes = 1024;
constexpr unsigned char kIac = 255, kWill = 251, kDo = 253;

// An empty reason leaves the status line at "HTTP/1.1 200", as SSTP servers write it.
std::string status_and_headers(int status, std::string_view reason, const DevicePersona::Headers& persona_headers,
                               const DevicePersona::Headers& page_headers) {
  std::string head =
      reason.empty() ? fmt::format("HTTP/1.1 {}\r\n", status) : fmt::format("HTTP/1.1 {} {}\r\n", status, reason);
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

PreparedPersona::Response make_page(const DevicePersona::Page& page, const DevicePersona::Headers& persona_headers) {
  if (!page.declared_length) {
    return make_response(page.status, page.reason, persona_headers, page.headers, page.body);
  }
  std::string head = status_and_headers(page.status, page.reason, persona_headers, page.headers) +
                     fmt::format("Content-Length: {}\r\n\r\n", *page.declared_length);
  return {head, head, page.body, true};
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
      bad_request_(make_response(400, "Bad Request", persona.headers, kHtml, error_page(400, "Bad Request"))),
      reply_patch_(persona.reply_patch),
      reply_bytes_(persona.reply_bytes),
      reply_copies_(persona.reply_copies) {
  for (const auto& page : persona.pages) pages_.push_back({page.path, page.method, make_page(page, persona.headers)});
  // Pages for one method first, so that they win over a page for any method at the same path.
  std::stable_partition(pages_.begin(), pages_.end(), [](const Page& page) { return !page.method.empty(); });
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
      const Response& root = response_for("GET", "/");
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
    case Behavior::pptp:
      reply_ = PptpMessage::start_reply(persona.tunnel);
      finish_reply(reply_);
      stop_reply_ = PptpMessage::stop_reply();
      break;
    case Behavior::l2tp:
      reply_ = L2tpMessage::start_reply(persona.tunnel);
      break;
    case Behavior::ssdp:
      search_replies_ = main_replies(persona);
      for (auto& reply : search_replies_) finish_reply(reply);
      ssdp_udn_ = persona.ssdp.udn;
      ssdp_device_type_ = persona.ssdp.device_type;
      break;
    case Behavior::http:
    case Behavior::silent:
    case Behavior::close:
      break;
  }
}

const PreparedPersona::Response& PreparedPersona::response_for(std::string_view method, std::string_view path) const {
  const auto page = std::find_if(pages_.begin(), pages_.end(), [&](const Page& p) {
    return p.path == path && (p.method.empty() || p.method == method);
  });
  return page == pages_.end() ? not_found_ : page->response;
}

std::string_view PreparedPersona::search_reply(std::string_view st) const {
  if (search_replies_.empty()) return {};
  if (st == "ssdp:all" || st == "upnp:rootdevice") return search_replies_[0];
  if (st == ssdp_udn_) return search_replies_[1];
  if (st == ssdp_device_type_) return search_replies_[2];
  return {};
}

void PreparedPersona::finish_reply(std::string& reply) const {
  if (reply_patch_) reply.replace(reply_patch_->offset, reply_patch_->bytes.size(), reply_patch_->bytes);
  if (reply_bytes_ != 0) reply.resize(std::min(reply.size(), reply_bytes_));
}

std::vector<std::string> PreparedPersona::main_replies(const DevicePersona& persona) {
  switch (persona.behavior) {
    case DevicePersona::Behavior::pptp:
      return {PptpMessage::start_reply(persona.tunnel)};
    case DevicePersona::Behavior::l2tp:
      return {L2tpMessage::start_reply(persona.tunnel)};
    case DevicePersona::Behavior::ssdp: {
      const auto& ssdp = persona.ssdp;
      return {SsdpSearch::reply(ssdp, persona.headers, "upnp:rootdevice", ssdp.udn + "::upnp:rootdevice"),
              SsdpSearch::reply(ssdp, persona.headers, ssdp.udn, ssdp.udn),
              SsdpSearch::reply(ssdp, persona.headers, ssdp.device_type, ssdp.udn + "::" + ssdp.device_type)};
    }
    default:
      return {};
  }
}

}  // namespace fumidai::lab
