#include "fumidai/scanner/probes/telnet/TelnetNegotiator.h"

#include <algorithm>
#include <string_view>

namespace fumidai::scanner {

namespace {

// prompt() looks at this many trailing data bytes: room for the longest
// prompt below and the whitespace after it.
constexpr std::size_t kTailBytes = 64;

struct PromptSuffix {
  std::string_view text;  // lower case
  TelnetPrompt kind;
};
constexpr PromptSuffix kPromptSuffixes[] = {
    {"login:", TelnetPrompt::login},     {"username:", TelnetPrompt::login},    {"user name:", TelnetPrompt::login},
    {"user:", TelnetPrompt::login},      {"userid:", TelnetPrompt::login},      {"user id:", TelnetPrompt::login},
    {"account:", TelnetPrompt::login},   {"login as:", TelnetPrompt::login},    {"password:", TelnetPrompt::password},
    {"passwd:", TelnetPrompt::password}, {"passcode:", TelnetPrompt::password},
};

bool ends_with_ignoring_case(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  const std::string_view end = text.substr(text.size() - lower_suffix.size());
  return std::equal(end.begin(), end.end(), lower_suffix.begin(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b; });
}

}  // namespace

void TelnetNegotiator::feed(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& reply) {
  for (const std::uint8_t b : bytes) {
    switch (state_) {
      case State::data:
        if (b == kIac)
          state_ = State::iac;
        else
          take_data(b);
        break;
      case State::iac:
        take_command(b);
        break;
      case State::option:
        take_option(b, reply);
        state_ = State::data;
        break;
      case State::subnegotiation:
        if (b == kIac) state_ = State::subnegotiation_iac;
        break;
      case State::subnegotiation_iac:
        // IAC IAC is a 255 inside the subnegotiation and IAC SE its end. Any
        // other command means the server never ended it: act on the command
        // rather than skip the rest of the connection.
        if (b == kIac)
          state_ = State::subnegotiation;
        else
          take_command(b);
        break;
    }
  }
}

void TelnetNegotiator::take_command(std::uint8_t command) {
  if (command == kIac) {
    take_data(kIac);
    state_ = State::data;
  } else if (command >= kWill && command <= kDont) {
    command_ = command;
    state_ = State::option;
  } else if (command == kSb) {
    state_ = State::subnegotiation;
  } else {
    // SE, NOP, Data Mark, BRK, IP, AO, AYT, EC, EL, GA and unassigned codes:
    // nothing for a reader that neither echoes nor edits to do.
    state_ = State::data;
  }
}

void TelnetNegotiator::take_option(std::uint8_t option, std::vector<std::uint8_t>& reply) {
  const std::size_t index = std::size_t{static_cast<std::uint8_t>(command_ - kWill)} * 256 + option;
  if (seen_.test(index)) return;
  seen_.set(index);
  option_requests_.push_back({command_, option});
  if (command_ == kDo) reply.insert(reply.end(), {kIac, kWont, option});
  if (command_ == kWill) reply.insert(reply.end(), {kIac, kDont, option});
}

void TelnetNegotiator::take_data(std::uint8_t byte) {
  if (after_cr_ && byte == 0) {
    after_cr_ = false;
    return;
  }
  after_cr_ = byte == '\r';
  if (banner_.size() < kMaxBannerBytes)
    banner_ += static_cast<char>(byte);
  else
    banner_truncated_ = true;
  tail_ += static_cast<char>(byte);
  if (tail_.size() > 2 * kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);  // amortised O(1) per byte
}

TelnetPrompt TelnetNegotiator::prompt() const {
  std::string_view text = tail_;
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n' ||
                           text.back() == '\0'))
    text.remove_suffix(1);
  for (const PromptSuffix& suffix : kPromptSuffixes)
    if (ends_with_ignoring_case(text, suffix.text)) return suffix.kind;
  return TelnetPrompt::none;
}

}  // namespace fumidai::scanner
