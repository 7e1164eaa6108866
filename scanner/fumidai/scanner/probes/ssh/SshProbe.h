#pragma once
// Probe module "ssh": sends our identification and a KEXINIT, then records
// the server's identification string and its KEXINIT algorithm lists (or the
// DISCONNECT a busy server sends instead). Never authenticates.
#include <span>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

// For the banner module, which may already have read the server's first
// bytes (`already_read`) before it knew this was SSH.
boost::asio::awaitable<ProbeOutcome> grab_ssh(ProbeSession& session, std::span<const std::uint8_t> already_read);

class SshProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "ssh"; }
  std::string_view protocol() const override { return "ssh"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
