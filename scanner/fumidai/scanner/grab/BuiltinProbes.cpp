// The probe modules that ship with fumidai. A new protocol is one module file
// and one line here.
#include "fumidai/scanner/grab/ProbeRegistry.h"
#include "fumidai/scanner/probes/banner/BannerProbe.h"
#include "fumidai/scanner/probes/cwmp/CwmpProbe.h"
#include "fumidai/scanner/probes/ftp/FtpProbe.h"
#include "fumidai/scanner/probes/http/HttpProbe.h"
#include "fumidai/scanner/probes/httpproxy/HttpProxyProbe.h"
#include "fumidai/scanner/probes/ike/IkeProbe.h"
#include "fumidai/scanner/probes/l2tp/L2tpProbe.h"
#include "fumidai/scanner/probes/openvpn/OpenVpnProbe.h"
#include "fumidai/scanner/probes/pptp/PptpProbe.h"
#include "fumidai/scanner/probes/socks/SocksProbe.h"
#include "fumidai/scanner/probes/ssh/SshProbe.h"
#include "fumidai/scanner/probes/telnet/TelnetProbe.h"
#include "fumidai/scanner/probes/upnp/UpnpProbe.h"

namespace fumidai::scanner {

void register_builtin_probes(ProbeRegistry& registry) {
  registry.add(std::make_unique<HttpProbe>(false));
  registry.add(std::make_unique<HttpProbe>(true));
  registry.add(std::make_unique<SshProbe>());
  registry.add(std::make_unique<TelnetProbe>());
  registry.add(std::make_unique<FtpProbe>());
  registry.add(std::make_unique<BannerProbe>());
  registry.add(std::make_unique<IkeProbe>());
  registry.add(std::make_unique<PptpProbe>());
  registry.add(std::make_unique<L2tpProbe>());
  registry.add(std::make_unique<OpenVpnProbe>(Transport::tcp));
  registry.add(std::make_unique<OpenVpnProbe>(Transport::udp));
  registry.add(std::make_unique<SocksProbe>());
  registry.add(std::make_unique<HttpProxyProbe>());
  registry.add(std::make_unique<UpnpProbe>());
  registry.add(std::make_unique<CwmpProbe>());
}

}  // namespace fumidai::scanner
