#pragma once
// Probe modules "http" (plain TCP) and "https" (TLS first): see HttpGrab.h.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class HttpProbe final : public ProbeModule {
 public:
  explicit HttpProbe(bool tls) : tls_(tls) {}
  std::string_view name() const override { return tls_ ? "https" : "http"; }
  std::string_view protocol() const override { return "http"; }
  bool tls() const override { return tls_; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;

 private:
  bool tls_;
};

}  // namespace fumidai::scanner
