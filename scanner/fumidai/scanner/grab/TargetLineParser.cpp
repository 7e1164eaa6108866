#include "fumidai/scanner/grab/TargetLineParser.h"

#include <boost/json/parse.hpp>
#include <charconv>

#include "fumidai/core/Trim.h"
#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {
namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view line) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535)
    return make_input_error("bad port in " + quote_bytes(line));
  return static_cast<std::uint16_t>(port);
}

Result<std::optional<GrabTarget>> from_json(std::string_view line) {
  boost::json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  // A small fixed buffer: the line is at most kMaxTargetLineBytes.
  const boost::json::value value = boost::json::parse(line, ec, {}, options);
  if (ec || !value.is_object()) return make_input_error("not a JSON object: " + quote_bytes(line));
  const auto& o = value.as_object();
  const auto* ip = o.if_contains("ip");
  const auto* port = o.if_contains("port");
  if (ip == nullptr || !ip->is_string() || port == nullptr || !port->is_int64())
    return make_input_error("JSON record without \"ip\" string and \"port\" number: " + quote_bytes(line));
  if (const auto* status = o.if_contains("status");
      status != nullptr && !(status->is_string() && status->as_string() == "open"))
    return std::optional<GrabTarget>{};
  if (const auto* transport = o.if_contains("transport");
      transport != nullptr && !(transport->is_string() && transport->as_string() == "tcp"))
    return std::optional<GrabTarget>{};
  const auto address = parse_ipv4(ip->as_string());
  if (!address) return make_input_error("bad IPv4 address in " + quote_bytes(line));
  const std::int64_t p = port->as_int64();
  if (p <= 0 || p > 65535) return make_input_error("bad port in " + quote_bytes(line));
  return std::optional<GrabTarget>(GrabTarget{*address, static_cast<std::uint16_t>(p)});
}

}  // namespace

Result<std::optional<GrabTarget>> parse_target_line(std::string_view line) {
  if (line.size() > kMaxTargetLineBytes)
    return make_input_error("line over " + std::to_string(kMaxTargetLineBytes) + " bytes");
  line = trim_blanks(line);
  if (line.empty() || line.front() == '#') return std::optional<GrabTarget>{};
  if (line.front() == '{') return from_json(line);
  const std::size_t split = line.find_last_of(":, \t");
  if (split == std::string_view::npos) return make_input_error("expected IP:PORT, got " + quote_bytes(line));
  const std::string_view host = trim_blanks(line.substr(0, split));
  const auto address = parse_ipv4(host);
  if (!address) return make_input_error("bad IPv4 address in " + quote_bytes(line));
  auto port = parse_port(line.substr(split + 1), line);
  if (!port) return port.error();
  return std::optional<GrabTarget>(GrabTarget{*address, *port});
}

}  // namespace fumidai::scanner
