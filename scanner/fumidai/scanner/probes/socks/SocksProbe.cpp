#include "fumidai/scanner/probes/socks/SocksProbe.h"

#include "fumidai/scanner/canary/CanaryToken.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/relay/CanaryFetch.h"
#include "fumidai/scanner/probes/socks/SocksCodec.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// What a greeting's answer may take before it is judged: a SOCKS5 server
// sends two bytes and waits; anything else shows in its first bytes.
constexpr std::size_t kMaxGreetingReplyBytes = 64;

template <class Reply>
struct ReplyRead {
  IoStatus io;
  std::optional<Reply> reply;
  std::optional<Error> error;  // the bytes are not this reply
  std::string bytes;           // what arrived
};

// Reads until `parse(all bytes so far)` gives the reply or an error, at most
// `max_bytes`.
template <class Reply, class Parse>
asio::awaitable<ReplyRead<Reply>> read_reply(ProbeSession& session, std::size_t max_bytes, Parse parse) {
  ReplyRead<Reply> result;
  std::size_t total = 0;
  result.io = co_await read_until(session, max_bytes, total, [&](std::span<const std::uint8_t> bytes) {
    result.bytes.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto parsed = parse(as_bytes(result.bytes));
    if (!parsed) {
      result.error = parsed.error();
      return FeedVerdict::failed;
    }
    if (!*parsed) return FeedVerdict::more;
    result.reply = std::move(**parsed);
    return FeedVerdict::done;
  });
  co_return result;
}

template <class Reply, class Parse>
asio::awaitable<ReplyRead<Reply>> exchange(ProbeSession& session, std::span<const std::uint8_t> request,
                                           std::size_t max_bytes, Parse parse) {
  const IoStatus sent = co_await session.write(request);
  if (!sent.ok()) co_return ReplyRead<Reply>{sent, std::nullopt, std::nullopt, {}};
  co_return co_await read_reply<Reply>(session, max_bytes, parse);
}

template <class Reply>
std::string failure_of(const ReplyRead<Reply>& read) {
  return read.error ? json_safe_text(read.error->message) : read.io.message;
}

// The outcome of a target that answered neither SOCKS5 nor SOCKS4.
template <class Reply>
ProbeOutcome not_socks(const ReplyRead<Reply>& read, json::object data) {
  data["verdict"] = "not-socks";
  if (!read.bytes.empty()) data["first_bytes"] = json_safe_text(read.bytes);
  if (read.error) {
    ProbeOutcome outcome;
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(read.error->message);
    outcome.data = std::move(data);
    return outcome;
  }
  return outcome_from_io(read.io, std::move(data));
}

// After 05 FF: would the server take an authentication method? Offered on
// a fresh connection, which is closed as soon as the server chose.
asio::awaitable<void> ask_auth_methods(ProbeSession& session, json::object& data) {
  const IoStatus connected = co_await session.reconnect();
  if (!connected.ok()) {
    data["verdict"] = "refused";
    data["auth_methods_error"] = connected.message;
    co_return;
  }
  // Named: GCC 12 cannot keep an array temporary across a co_await.
  const auto greeting = socks5_auth_methods_greeting();
  const auto read =
      co_await exchange<Socks5MethodReply>(session, greeting, kMaxGreetingReplyBytes, parse_socks5_method_reply);
  session.close();
  if (!read.reply) {
    data["verdict"] = "refused";
    data["auth_methods_error"] = failure_of(read);
    co_return;
  }
  const std::uint8_t method = read.reply->method;
  const bool takes_one = method == 0x01 || method == 0x02;
  data["verdict"] = takes_one ? "auth-required" : "refused";
  if (takes_one) {
    data["auth_method"] = socks5_method_name(method);
    data["auth_method_code"] = method;
  }
}

asio::awaitable<json::object> relay_socks5(ProbeSession& session, const CanaryEndpoint& canary,
                                           const std::string& token) {
  json::object relay = relay_record(token);
  const auto request = socks5_connect_request(canary);
  const auto read =
      co_await exchange<Socks5ConnectReply>(session, request, kMaxSocks5ConnectReplyBytes, parse_socks5_connect_reply);
  if (!read.reply) {
    relay["error"] = failure_of(read);
    co_return relay;
  }
  const Socks5ConnectReply& reply = *read.reply;
  relay["reply"] = socks5_reply_name(reply.reply);
  relay["reply_code"] = reply.reply;
  relay["bound_address"] = json_safe_text(reply.bound_address);
  relay["bound_port"] = reply.bound_port;
  if (reply.reply != 0) co_return relay;
  relay["granted"] = true;
  json::object answer = co_await fetch_canary_through_tunnel(session, canary, token);
  relay["proven"] = answer.at("proven");
  relay["answer"] = std::move(answer);
  co_return relay;
}

asio::awaitable<ProbeOutcome> try_socks4(ProbeSession& session, const CanaryEndpoint& canary, const std::string& token,
                                         ProbeOutcome socks5_failure) {
  json::object& data = socks5_failure.data;
  const IoStatus connected = co_await session.reconnect();
  if (!connected.ok()) {
    data["socks4_error"] = connected.message;
    co_return socks5_failure;
  }
  const auto request = socks4_connect_request(canary);
  const auto read = co_await exchange<Socks4Reply>(session, request, kSocks4ReplyBytes, parse_socks4_reply);
  if (!read.reply) {
    data["socks4_error"] = failure_of(read);
    co_return socks5_failure;
  }
  ProbeOutcome outcome;
  outcome.protocol = "socks4";
  json::object relay = relay_record(token);
  const std::uint8_t code = read.reply->code;
  relay["reply"] = socks4_reply_name(code);
  relay["reply_code"] = code;
  if (code == kSocks4Granted) {
    relay["granted"] = true;
    json::object answer = co_await fetch_canary_through_tunnel(session, canary, token);
    relay["proven"] = answer.at("proven");
    relay["answer"] = std::move(answer);
  }
  outcome.data["version"] = 4;
  // 0x5c and 0x5d: the server checks the client's identity with identd.
  outcome.data["verdict"] = code == kSocks4Granted ? "open" : code == 0x5b ? "refused" : "auth-required";
  outcome.data["relay"] = std::move(relay);
  outcome.data["socks5_error"] = data.at("socks5_error");
  co_return outcome;
}

}  // namespace

asio::awaitable<ProbeOutcome> SocksProbe::run(ProbeSession& session) const {
  const std::optional<CanaryEndpoint>& canary = session.options().canary;
  std::string token;
  if (canary) {
    auto made = make_canary_token();
    if (!made) co_return outcome_from_error(made.error());
    token = std::move(*made);
  }

  const auto hello = socks5_no_auth_greeting();
  const auto greeting =
      co_await exchange<Socks5MethodReply>(session, hello, kMaxGreetingReplyBytes, parse_socks5_method_reply);
  if (!greeting.reply) {
    json::object data;
    data["socks5_error"] = failure_of(greeting);
    if (!canary) data["socks4"] = "not tested (no canary)";
    ProbeOutcome failure = not_socks(greeting, std::move(data));
    if (!canary) co_return failure;
    co_return co_await try_socks4(session, *canary, token, std::move(failure));
  }

  ProbeOutcome outcome;
  json::object& data = outcome.data;
  const std::uint8_t method = greeting.reply->method;
  data["version"] = 5;
  data["method"] = socks5_method_name(method);
  data["method_code"] = method;
  if (method == kSocks5NoAuth) {
    data["verdict"] = "open";
    // Not a conditional expression: GCC 12 mishandles co_await inside one.
    if (canary)
      data["relay"] = co_await relay_socks5(session, *canary, token);
    else
      data["relay"] = relay_not_tested();
  } else if (method == kSocks5NoAcceptableMethods) {
    co_await ask_auth_methods(session, data);
  } else {
    data["verdict"] = "auth-required";
    data["auth_method"] = socks5_method_name(method);
    data["auth_method_code"] = method;
  }
  co_return outcome;
}

}  // namespace fumidai::scanner
