#pragma once
// TelnetNegotiator: the client side of Telnet option negotiation (RFC 854,
// 855) for a probe that only wants the server's banner. Fed the server's
// bytes in whatever pieces they arrive, it separates data from IAC commands
// and says what to send back: every option is refused (DO x -> WONT x,
// WILL x -> DONT x; DONT and WONT already match our state and get no answer,
// RFC 854's rule against loops), and each option request is answered at most
// once per connection, so an option storm gets at most 512 three-byte answers.
// IAC IAC is a data byte 255; subnegotiations (IAC SB ... IAC SE) and the
// other commands (NOP, GA, AYT, ...) are skipped, whatever their length:
// nothing of them is kept.
//
// Everything fed in is untrusted. Memory is bounded: the banner keeps the
// first kMaxBannerBytes data bytes, option_requests() holds each distinct
// (command, option) pair once, at most 4 x 256. Nothing throws; there is no
// error state, since any byte sequence is valid Telnet.
//
// One negotiator per connection, used from one thread at a time.
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace fumidai::scanner {

struct TelnetOptionRequest {
  std::uint8_t command;  // TelnetNegotiator::kWill, kWont, kDo or kDont
  std::uint8_t option;   // e.g. 1 ECHO, 3 SUPPRESS-GO-AHEAD, 24 TERMINAL-TYPE, 31 NAWS
  bool operator==(const TelnetOptionRequest&) const = default;
};

enum class TelnetPrompt { none, login, password };

class TelnetNegotiator {
 public:
  static constexpr std::uint8_t kSe = 240, kSb = 250, kWill = 251, kWont = 252, kDo = 253, kDont = 254, kIac = 255;
  static constexpr std::size_t kMaxBannerBytes = 8192;

  // Consumes server bytes and appends what must be sent back to `reply`
  // (the caller's buffer: clear and reuse it between calls).
  void feed(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& reply);

  // The data stream: bytes outside IAC commands, IAC IAC as 255, CR NUL as
  // CR (RFC 854's encoding of a bare CR); other bytes raw, NULs included.
  const std::string& banner() const { return banner_; }
  bool banner_truncated() const { return banner_truncated_; }
  // Each distinct WILL/WONT/DO/DONT the server sent, in order of first arrival.
  const std::vector<TelnetOptionRequest>& option_requests() const { return option_requests_; }
  // Whether the data so far ends, after trailing whitespace, in a login or
  // password prompt ("login:", "Username:", "Password:", ... any case): the
  // point where a probe that does not log in has all there is to get.
  TelnetPrompt prompt() const;

 private:
  enum class State { data, iac, option, subnegotiation, subnegotiation_iac };

  void take_command(std::uint8_t command);
  void take_option(std::uint8_t option, std::vector<std::uint8_t>& reply);
  void take_data(std::uint8_t byte);

  State state_ = State::data;
  std::uint8_t command_ = 0;  // the WILL/WONT/DO/DONT whose option byte comes next
  bool after_cr_ = false;
  std::string banner_;
  bool banner_truncated_ = false;
  std::string tail_;           // the last data bytes, for prompt(), kept past the banner limit
  std::bitset<4 * 256> seen_;  // (command - kWill) * 256 + option
  std::vector<TelnetOptionRequest> option_requests_;
};

}  // namespace fumidai::scanner
