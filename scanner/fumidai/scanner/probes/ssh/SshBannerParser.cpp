#include "fumidai/scanner/probes/ssh/SshBannerParser.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ssh/SshWireReader.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

constexpr std::uint8_t kMsgDisconnect = 1, kMsgIgnore = 2, kMsgDebug = 4, kMsgKexInit = 20;

std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Splits a name-list (RFC 4251, 5): comma-separated, no empty names. `names`
// counts the names of all lists so far against the limit.
Result<void> split_name_list(std::string_view list, std::vector<std::string>& out, std::size_t& names,
                             const char* field) {
  if (list.empty()) return {};
  for (std::size_t start = 0;;) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma == start) return make_error(std::string("ssh: KEXINIT ") + field + " has an empty name");
    if (++names > SshBannerParser::kMaxNames)
      return make_error("ssh: KEXINIT has more than " + std::to_string(SshBannerParser::kMaxNames) +
                        " algorithm names");
    out.emplace_back(list.substr(start, comma - start));
    if (comma == list.size()) return {};
    start = comma + 1;
  }
}

Result<SshKexInit> parse_kex_init(std::span<const std::uint8_t> body) {
  SshWireReader in(body);
  SshKexInit kex;
  if (!in.read(kex.cookie)) return make_error("ssh: KEXINIT ends inside the cookie");
  std::size_t names = 0;
  const auto lists = kex.name_lists();
  for (std::size_t i = 0; i < lists.size(); ++i) {
    const char* field = SshKexInit::kNameListNames[i];
    std::span<const std::uint8_t> list;
    if (!in.read_string(list)) return make_error(std::string("ssh: KEXINIT ends inside ") + field);
    if (auto split = split_name_list(as_chars(list), *lists[i], names, field); !split) return split.error();
  }
  std::uint8_t follows = 0;
  std::uint32_t reserved = 0;
  if (!in.read(follows)) return make_error("ssh: KEXINIT ends before first_kex_packet_follows");
  if (!in.read(reserved)) return make_error("ssh: KEXINIT ends inside its reserved field");
  kex.first_kex_packet_follows = follows != 0;  // RFC 4251, 5: any non-zero boolean is TRUE
  return kex;
}

Result<SshDisconnect> parse_disconnect(std::span<const std::uint8_t> body) {
  SshWireReader in(body);
  SshDisconnect disconnect;
  std::span<const std::uint8_t> description;
  if (!in.read(disconnect.reason_code)) return make_error("ssh: DISCONNECT ends inside its reason code");
  if (!in.read_string(description)) return make_error("ssh: DISCONNECT ends inside its description");
  disconnect.description = as_chars(description);  // the language tag after it is of no use
  return disconnect;
}

}  // namespace

Result<SshBannerParser::Progress> SshBannerParser::feed(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty() && (stage_ == Stage::lines || stage_ == Stage::packet)) {
    if (stage_ == Stage::lines)
      take_lines(bytes);
    else
      take_packet(bytes);
  }
  if (stage_ == Stage::failed) return error_;
  return stage_ == Stage::done ? Progress::complete : Progress::need_more;
}

void SshBannerParser::take_lines(std::span<const std::uint8_t>& bytes) {
  const auto* lf = static_cast<const std::uint8_t*>(std::memchr(bytes.data(), '\n', bytes.size()));
  const std::size_t take = lf ? static_cast<std::size_t>(lf - bytes.data()) : bytes.size();
  if (buffer_.size() + take > kMaxLineBytes) {
    // Quote the line's first bytes, whatever pieces it arrived in.
    constexpr std::size_t kQuoted = 48;
    std::string start = buffer_.substr(0, kQuoted + 1);
    start += as_chars(bytes.first(std::min(take, kQuoted + 1 - start.size())));
    return fail(make_error("ssh: line longer than " + std::to_string(kMaxLineBytes) +
                           " bytes before the end of the identification string: " + quote_bytes(start, kQuoted)));
  }
  buffer_.append(as_chars(bytes.first(take)));
  bytes = bytes.subspan(lf ? take + 1 : take);
  if (!lf) return;
  std::string_view line = buffer_;
  if (line.ends_with('\r')) line.remove_suffix(1);
  take_line(line);
  buffer_.clear();
}

void SshBannerParser::take_line(std::string_view line) {
  if (line.starts_with("SSH-")) return take_identification(line);
  // RFC 4253, 4.2: a server may send other lines first (none starting "SSH-").
  preamble_bytes_ += line.size() + 1;
  if (hello_.preamble.size() == kMaxPreambleLines || preamble_bytes_ > kMaxPreambleBytes)
    return fail(make_error("ssh: no identification string in the first " + std::to_string(kMaxPreambleLines) +
                           " lines or " + std::to_string(kMaxPreambleBytes) + " bytes; line " +
                           std::to_string(hello_.preamble.size() + 1) + ": " + quote_bytes(line)));
  hello_.preamble.emplace_back(line);
}

void SshBannerParser::take_identification(std::string_view line) {
  hello_.identification_too_long = line.size() + 2 > kRfcMaxIdentificationBytes;
  const std::string_view versions = line.substr(4);
  const std::size_t dash = versions.find('-');
  if (dash == std::string_view::npos)
    return fail(make_error("ssh: identification string without a software version: " + quote_bytes(line)));
  identification_received_ = true;
  const std::string_view software = versions.substr(dash + 1);
  const std::size_t space = std::min(software.find(' '), software.size());
  hello_.protocol_version = versions.substr(0, dash);
  hello_.software_version = software.substr(0, space);
  hello_.comments = software.substr(std::min(space + 1, software.size()));
  // Only SSH 2 speaks in the binary packets read next; "1.99" is a server
  // that speaks both (RFC 4253, 5.1).
  const bool ssh2 = hello_.protocol_version == "2.0" || hello_.protocol_version == "1.99";
  stage_ = ssh2 ? Stage::packet : Stage::done;
}

void SshBannerParser::take_packet(std::span<const std::uint8_t>& bytes) {
  if (buffer_.size() < 4) {
    const std::size_t take = std::min(4 - buffer_.size(), bytes.size());
    buffer_.append(as_chars(bytes.first(take)));
    bytes = bytes.subspan(take);
    if (buffer_.size() < 4) return;
    packet_length_ = get32(reinterpret_cast<const std::uint8_t*>(buffer_.data()));
    // A server that answers in text (OpenSSH's "Invalid SSH identification
    // string.") shows up here; say so rather than only "too long".
    const bool text = std::all_of(buffer_.begin(), buffer_.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    const std::string seen = text ? " (text where a packet should start: " + quote_bytes(buffer_) + ")" : "";
    if (packet_length_ > kMaxPacketLength)
      return fail(make_error("ssh: packet_length " + std::to_string(packet_length_) + " is over the limit of " +
                             std::to_string(kMaxPacketLength) + seen));
    if (packet_length_ < 2)  // padding_length and at least a message number
      return fail(make_error("ssh: packet_length " + std::to_string(packet_length_) + " is too short" + seen));
  }
  const std::size_t take = std::min(4 + packet_length_ - buffer_.size(), bytes.size());
  buffer_.append(as_chars(bytes.first(take)));
  bytes = bytes.subspan(take);
  if (buffer_.size() < 4 + packet_length_) return;
  const std::span<const std::uint8_t> packet(reinterpret_cast<const std::uint8_t*>(buffer_.data()), buffer_.size());
  const std::uint8_t padding_length = packet[4];
  if (std::size_t{padding_length} + 2 > packet_length_)
    return fail(make_error("ssh: padding_length " + std::to_string(padding_length) +
                           " leaves no payload in a packet of " + std::to_string(packet_length_) + " bytes"));
  take_payload(packet.subspan(5, packet_length_ - padding_length - 1));
  buffer_.clear();
}

void SshBannerParser::take_payload(std::span<const std::uint8_t> payload) {
  const std::uint8_t message = payload[0];
  if (message == kMsgIgnore || message == kMsgDebug) {
    if (++skipped_packets_ > kMaxSkippedPackets)
      fail(make_error("ssh: more than " + std::to_string(kMaxSkippedPackets) +
                      " IGNORE/DEBUG packets before "
                      "the first message"));
    return;
  }
  hello_.first_message_type = message;
  stage_ = Stage::done;
  if (message == kMsgKexInit) {
    auto kex = parse_kex_init(payload.subspan(1));
    if (!kex) return fail(kex.error());
    hello_.kex_init = std::move(*kex);
  } else if (message == kMsgDisconnect) {
    auto disconnect = parse_disconnect(payload.subspan(1));
    if (!disconnect) return fail(disconnect.error());
    hello_.disconnect = std::move(*disconnect);
  }
}

void SshBannerParser::fail(Error error) {
  stage_ = Stage::failed;
  error_ = std::move(error);
  buffer_.clear();
  buffer_.shrink_to_fit();  // a failed connection may linger until the caller closes it
}

}  // namespace fumidai::scanner
