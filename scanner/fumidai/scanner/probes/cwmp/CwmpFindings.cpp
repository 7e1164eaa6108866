#include "fumidai/scanner/probes/cwmp/CwmpFindings.h"

#include <charconv>
#include <utility>

#include "fumidai/scanner/probes/http/AsciiText.h"

namespace fumidai::scanner {
namespace {

using http_text::istarts_with;

std::size_t ifind(std::string_view text, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i)
    if (istarts_with(text.substr(i), needle)) return i;
  return std::string_view::npos;
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool icontains(std::string_view text, std::string_view needle) { return ifind(text, needle) != std::string_view::npos; }

// "RomPager/4.07", "Allegro-Software-RomPager/4.30b3", "RomPager-Digi/4.01.1",
// "Allegro-Software-RomPager/ 2.10": the version token after the '/'.
std::optional<std::string> rompager_version(std::string_view server) {
  const std::size_t at = ifind(server, "RomPager");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = server.substr(at + 8);
  if (istarts_with(rest, "-Digi")) rest.remove_prefix(5);
  if (rest.empty() || rest.front() != '/') return std::nullopt;
  rest.remove_prefix(1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::size_t end = 0;
  while (end < rest.size() && end < 16 && (is_alnum(rest[end]) || rest[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  return std::string(rest.substr(0, end));
}

// AllegroSoft fixed Misfortune Cookie in RomPager 4.34; older builds stayed
// in router firmware for a decade.
bool before_4_34(std::string_view version) {
  unsigned major = 0;
  unsigned minor = 0;
  const char* end = version.data() + version.size();
  auto [p, ec] = std::from_chars(version.data(), end, major);
  if (ec != std::errc() || p == end || *p != '.') return false;
  auto [q, ec2] = std::from_chars(p + 1, end, minor);
  if (ec2 != std::errc()) return false;
  return std::pair(major, minor) < std::pair(4u, 34u);
}

}  // namespace

CwmpFindings cwmp_findings(const HttpResponse& response) {
  CwmpFindings f;
  f.status = response.status;
  if (const auto server = response.server()) f.server = std::string(*server);
  if (const auto challenge = response.header("WWW-Authenticate")) {
    const std::string_view value = http_text::trim_ows(*challenge);
    const std::size_t end = std::min(value.find_first_of(" \t,"), value.size());
    if (end > 0) f.auth_scheme = std::string(value.substr(0, end));
  }
  f.realm = response.www_authenticate_realm();

  if (f.server) {
    f.rompager_version = rompager_version(*f.server);
    if (f.rompager_version || icontains(*f.server, "RomPager")) f.hints.emplace_back("rompager");
    if (f.rompager_version && before_4_34(*f.rompager_version)) f.hints.emplace_back("misfortune-cookie-era");
    if (icontains(*f.server, "tr069 http server")) f.hints.emplace_back("tr069-http-server");
    if (icontains(*f.server, "CPE-SERVER")) f.hints.emplace_back("cpe-server");
    if (icontains(*f.server, "gSOAP")) f.hints.emplace_back("gsoap");
  }
  if (f.realm) {
    if (*f.realm == "HuaweiHomeGateway") f.hints.emplace_back("realm-huawei-home-gateway");
    if (f.realm->starts_with("Thomson_cwmp")) f.hints.emplace_back("realm-thomson-cwmp");
  }
  return f;
}

}  // namespace fumidai::scanner
