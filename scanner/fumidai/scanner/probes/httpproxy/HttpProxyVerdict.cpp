#include "fumidai/scanner/probes/httpproxy/HttpProxyVerdict.h"

#include <algorithm>

namespace fumidai::scanner {

std::string_view to_string(HttpProxyVerdict verdict) {
  switch (verdict) {
    case HttpProxyVerdict::open:
      return "open";
    case HttpProxyVerdict::auth_required:
      return "auth-required";
    case HttpProxyVerdict::refused:
      return "refused";
    case HttpProxyVerdict::unproven:
      return "unproven";
    case HttpProxyVerdict::not_a_proxy:
      return "not-a-proxy";
  }
  return "not-a-proxy";
}

HttpProxyVerdict judge_http_proxy(std::span<const ProxyAnswer> answers, bool relay_tested) {
  const auto any = [&](auto predicate) { return std::any_of(answers.begin(), answers.end(), predicate); };
  if (any([](const ProxyAnswer& a) { return a.proven; })) return HttpProxyVerdict::open;
  if (any([](const ProxyAnswer& a) { return a.traits.auth_required; })) return HttpProxyVerdict::auth_required;
  if (any([](const ProxyAnswer& a) { return a.granted; })) return HttpProxyVerdict::unproven;
  if (!any([](const ProxyAnswer& a) { return a.traits.proxy(); })) return HttpProxyVerdict::not_a_proxy;
  if (!relay_tested) return HttpProxyVerdict::unproven;
  // A gateway error from a proxy: it tried to reach the canary and failed.
  const bool tried = any([](const ProxyAnswer& a) { return a.traits.proxy() && a.status >= 502 && a.status <= 504; });
  return tried ? HttpProxyVerdict::unproven : HttpProxyVerdict::refused;
}

}  // namespace fumidai::scanner
