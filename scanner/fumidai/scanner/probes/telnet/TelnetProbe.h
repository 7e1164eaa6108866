#pragma once
// Probe module "telnet": refuses every option the server asks for and
// records the banner up to the login prompt (never logs in), the options
// the server requested, and whether a login or password prompt came.
#include <span>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> grab_telnet(ProbeSession& session, std::span<const std::uint8_t> already_read);

class TelnetProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "telnet"; }
  std::string_view protocol() const override { return "telnet"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
