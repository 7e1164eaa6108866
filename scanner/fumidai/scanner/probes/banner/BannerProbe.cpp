#include "fumidai/scanner/probes/banner/BannerProbe.h"

#include <optional>
#include <string>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/ftp/FtpProbe.h"
#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/ssh/SshProbe.h"
#include "fumidai/scanner/probes/telnet/TelnetProbe.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

// A TLS record header: handshake (22) or alert (21), version 3.x.
bool looks_like_tls(std::string_view first) {
  return first.size() >= 2 && (first[0] == '\x16' || first[0] == '\x15') && first[1] == '\x03';
}

ProbeOutcome unknown(std::span<const std::uint8_t> first_bytes) {
  ProbeOutcome outcome;
  outcome.protocol = "unknown";
  outcome.data["banner"] =
      json_safe_text(std::string_view(reinterpret_cast<const char*>(first_bytes.data()), first_bytes.size()));
  return outcome;
}

}  // namespace

asio::awaitable<ProbeOutcome> BannerProbe::run(ProbeSession& session) const {
  std::array<std::uint8_t, kProbeReadChunk> buffer;
  const ReadResult first = co_await session.read_some(buffer, kServerFirstWait);
  if (first.status.ok()) {
    const std::span<const std::uint8_t> bytes(buffer.data(), first.bytes);
    ProbeOutcome outcome;
    if (starts_with(bytes, "SSH-")) {
      outcome = co_await grab_ssh(session, bytes);
      outcome.protocol = "ssh";
    } else if (starts_with(bytes, "220")) {
      outcome = co_await grab_ftp(session, bytes);
      outcome.protocol = "ftp";
    } else if (bytes[0] == 0xff) {
      outcome = co_await grab_telnet(session, bytes);
      outcome.protocol = "telnet";
    } else {
      outcome = unknown(bytes);
    }
    co_return outcome;
  }
  if (first.status.error != IoError::timeout) co_return outcome_from_io(first.status);

  // Silent: a client-first protocol. Try HTTP on a fresh connection (the
  // timed-out one is unusable).
  if (const IoStatus again = co_await session.reconnect(); !again.ok()) co_return outcome_from_io(again);
  ProbeOutcome http = co_await grab_http(session);
  // What a peer that is not HTTP answered (grab_http keeps it on a parse error).
  const auto not_http = [](const ProbeOutcome& o) -> std::optional<std::string> {
    const auto* first_bytes = o.data.if_contains("first_bytes");
    if (o.status != GrabStatus::protocol_error || first_bytes == nullptr) return std::nullopt;
    return std::string(first_bytes->as_string());
  };
  const std::optional<std::string> answer = not_http(http);
  // A TLS server answers a plaintext request with an alert, or (OpenSSL)
  // just closes: try a handshake on a fresh connection.
  if (answer && (answer->empty() || looks_like_tls(*answer))) {
    boost::json::object tls;
    IoStatus status = co_await session.reconnect();
    if (status.ok()) status = co_await session.start_tls(tls);
    if (status.ok()) {
      ProbeOutcome over_tls = co_await grab_http(session);
      if (const auto tls_answer = not_http(over_tls); tls_answer && !tls_answer->empty())
        over_tls = unknown(as_bytes(*tls_answer));
      else
        over_tls.protocol = "http";
      over_tls.data["tls"] = std::move(tls);
      co_return over_tls;
    }
    if (!answer->empty()) co_return outcome_from_io(status);
    co_return http;  // closed on us both ways: the plaintext failure says most
  }
  if (answer) co_return unknown(as_bytes(*answer));
  http.protocol = "http";
  co_return http;
}

}  // namespace fumidai::scanner
