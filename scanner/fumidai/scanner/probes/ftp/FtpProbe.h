#pragma once
// Probe module "ftp": records the server's greeting (220, or 421 from a full
// server) and says QUIT. Never logs in.
#include <span>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> grab_ftp(ProbeSession& session, std::span<const std::uint8_t> already_read);

class FtpProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "ftp"; }
  std::string_view protocol() const override { return "ftp"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
