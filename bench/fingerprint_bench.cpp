// fingerprint_bench: records per second per core of the fingerprint stage
// over a fixed corpus of synthetic service records (bench/fingerprints.sh
// runs it and prints the ratios).
//
// The corpus: N records (default 50,000) drawn from real ones stage 2 wrote
// for the lab's daemons and personas (tests/unit/data/fingerprints/
// lab-records.jsonl), in a plausible protocol mix, each with its strings
// varied from pools of what such services send (titles, Server headers,
// realms, banners, PPTP vendors, UPnP models, certificate names), random
// tokens and page filler, so no two records are alike and some match nothing.
// Fixed by --seed.
//
// Measured, one thread, each the best of --rounds passes over the corpus
// (the measurements take turns within each round):
//   full        record_fields + every source (ours, Recog's with --recog) + EOL + labels + the JSON arrays:
//               stage 2's work per record
//   fields      record_fields alone
//   sources     the sources and EOL alone, on fields built beforehand
//   ours        our rules alone (RuleDatabase::match; the same as scale1)
//   prefilter   our literal prefilter alone (RuleDatabase::candidates): the baseline
//   exhaustive  our rules without the prefilter (every rule evaluated)
//   scale xK    our rules K times over (K-1 synthetic copies: distinct ids, every literal perturbed),
//               and the prefilter alone over them
// Each line: "NAME records_per_second [candidates_per_record [rules [prefilter_rate]]]" ("fields":
// fields per record); "named" is the share of records with a fingerprint.
//
//   fingerprint_bench --templates FILE [--rules DIR] [--recog DIR] [--records N] [--seed S] [--rounds R]
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/EmbeddedRules.h"
#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RecogDatabase.h"
#include "fumidai/fingerprints/RecordFields.h"
#include "fumidai/fingerprints/RuleDatabase.h"

namespace {

namespace json = boost::json;
using namespace fumidai;
using namespace fumidai::fingerprints;

struct Options {
  std::string templates;
  std::string rules_dir;  // empty: the embedded rules
  std::string recog_dir;
  std::size_t records = 50'000;
  std::uint64_t seed = 1;
  int rounds = 3;
  std::vector<int> scales{1, 4, 16};
};

// ---- the corpus -----------------------------------------------------------

using Rng = std::mt19937_64;

const std::vector<std::string> kTitles = {"Login",
                                          "Web Management",
                                          "RouterOS router configuration page",
                                          "ASUS Login",
                                          "FRITZ!Box",
                                          "TP-LINK",
                                          "NETGEAR Router",
                                          "D-LINK SYSTEMS, INC. | WIRELESS ROUTER | LOGIN",
                                          "Welcome to nginx!",
                                          "Apache2 Debian Default Page: It works",
                                          "IIS Windows Server",
                                          "403 Forbidden",
                                          "404 Not Found",
                                          "Index of /",
                                          "Synology DiskStation",
                                          "QNAP Turbo NAS",
                                          "Webmin",
                                          "Vigor Login Page",
                                          "Aterm",
                                          "AirStation",
                                          "HG8245H",
                                          "OpenWrt - LuCI",
                                          "pfSense - Login",
                                          "GlobalProtect Portal",
                                          "Plesk Obsidian",
                                          "Grafana",
                                          "Dashboard",
                                          "Document Moved",
                                          "Object moved",
                                          "401 Unauthorized",
                                          "ZyXEL",
                                          "Tenda | Login",
                                          "TOTOLINK",
                                          "Router",
                                          "Home",
                                          "Sign in",
                                          "Welcome",
                                          "Test Page for the Apache HTTP Server",
                                          "Site under construction",
                                          "WebUI"};
const std::vector<std::string> kServers = {"nginx",
                                           "nginx/1.18.0 (Ubuntu)",
                                           "Apache/2.4.41 (Ubuntu)",
                                           "Apache",
                                           "Microsoft-IIS/10.0",
                                           "lighttpd/1.4.59",
                                           "Boa/0.94.14rc21",
                                           "GoAhead-Webs",
                                           "mini_httpd/1.30 26Oct2018",
                                           "uhttpd",
                                           "RomPager/4.07 UPnP/1.0",
                                           "Router Webserver",
                                           "httpd",
                                           "Webs",
                                           "micro_httpd",
                                           "Mbedthis-Appweb/2.4.2",
                                           "cloudflare",
                                           "openresty",
                                           "Jetty(9.4.z-SNAPSHOT)",
                                           "Linux/3.x UPnP/1.0 Avtech/1.0",
                                           "thttpd/2.25b 29dec2003",
                                           "squid/4.13",
                                           "Microsoft-HTTPAPI/2.0",
                                           "Caddy",
                                           "LiteSpeed"};
const std::vector<std::string> kRealms = {"TP-LINK Wireless N Router WR841N",
                                          "NETGEAR R6400",
                                          "NETGEAR DGN2200",
                                          "Broadband Router",
                                          "router",
                                          "DSL Router",
                                          "index.htm",
                                          "Default: admin/1234",
                                          "RT-N12",
                                          "WebAdmin",
                                          "Protected",
                                          "Restricted",
                                          "HuaweiHomeGateway",
                                          "ZXHN H108N",
                                          "Linksys E1200",
                                          "DD-WRT",
                                          "MikroTik"};
const std::vector<std::string> kSshBanners = {"SSH-2.0-OpenSSH_7.4",
                                              "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5",
                                              "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2",
                                              "SSH-2.0-dropbear_2017.75",
                                              "SSH-2.0-dropbear_2020.81",
                                              "SSH-2.0-ROSSSH",
                                              "SSH-2.0-Cisco-1.25",
                                              "SSH-2.0-libssh_0.9.6",
                                              "SSH-1.99-Cisco-1.25",
                                              "SSH-2.0-HUAWEI-1.5",
                                              "SSH-2.0-OpenSSH_6.6.1p1 Ubuntu-2ubuntu2",
                                              "SSH-2.0-Comware-7.1.064",
                                              "SSH-2.0-ZTE_SSH.2.0",
                                              "SSH-2.0-lancom"};
const std::vector<std::string> kFtpBanners = {"(vsFTPd 3.0.3)",
                                              "ProFTPD Server (Debian)",
                                              "Microsoft FTP Service",
                                              "FRITZ!Box7590 FTP server ready.",
                                              "Welcome to Pure-FTPd [privsep] [TLS]",
                                              "FileZilla Server 0.9.60 beta",
                                              "bftpd 2.2 at 10.0.0.1 ready.",
                                              "DiskStation FTP server ready.",
                                              "Multicraft 1.8.2 FTP server",
                                              "FTP server ready"};
const std::vector<std::string> kTelnetBanners = {"\r\nlogin: ",
                                                 "\r\nUser Access Verification\r\n\r\nUsername: ",
                                                 "\r\nWelcome to USG20-VPN\r\nUsername: ",
                                                 "BCM96338 ADSL Router\r\nLogin: ",
                                                 "\r\nMikroTik v6.48.6 (stable)\r\nLogin: ",
                                                 "Password: ",
                                                 "\r\nHG8245H\r\nLogin:",
                                                 "ZTE ZXHN H108N\r\nLogin: ",
                                                 "\r\r\nOpenWrt login: "};
const std::vector<std::pair<std::string, std::string>> kTunnelNames = {{"MikroTik", "MikroTik"},
                                                                       {"linux", "local"},
                                                                       {"YAMAHA Corporation", "RTX1210"},
                                                                       {"Microsoft", "WIN-SRV01"},
                                                                       {"DrayTek", "Vigor"},
                                                                       {"ZyXEL Communications Corp.", "ZyWALL"},
                                                                       {"cananian", "pptpd"},
                                                                       {"", ""},
                                                                       {"Fortinet", "FortiGate"},
                                                                       {"Cisco Systems, Inc.", "Router"},
                                                                       {"xelerance.com", "lns"}};
const std::vector<std::pair<std::string, std::string>> kUpnpModels = {{"ASUSTeK Computer Inc.", "RT-AC68U"},
                                                                      {"AVM Berlin", "FRITZ!Box 7590"},
                                                                      {"TP-Link", "Archer C7"},
                                                                      {"NETGEAR, Inc.", "R7000"},
                                                                      {"Huawei Technologies Co., Ltd", "HG8245H"},
                                                                      {"D-Link", "DIR-825"},
                                                                      {"Linksys", "E1200"},
                                                                      {"ZTE", "ZXHN H108N"},
                                                                      {"Broadcom", "BCM963268"},
                                                                      {"Realtek", "RTL8196C"},
                                                                      {"BUFFALO INC.", "WSR-1166DHP"},
                                                                      {"NEC AccessTechnica, Ltd.", "Aterm WG1200HP"},
                                                                      {"MiniUPnP", "lab-router IGD"}};
const std::vector<std::string> kCertificateNames = {
    "CN=Vigor Router,OU=DrayTek Support,O=DrayTek Corp.,L=HuKou,ST=HsinChu,C=TW",
    "CN=FGT60FTK2109D0A1,OU=FortiGate,O=Fortinet,L=Sunnyvale,ST=California,C=US",
    "CN=router.asus.com",
    "CN=fritz.box",
    "CN=localhost",
    "CN=192.168.1.1",
    "CN=www.routerlogin.net",
    "CN=tplinkwifi.net",
    "CN=d1f20e5b8c3a.sn.mynetname.net",
    "CN=Plesk,O=Plesk,C=CH",
    "CN=synology",
    "CN=UBNT Router UI,O=Ubiquiti Inc.,L=New York,ST=New York,C=US",
    "CN=*.example-isp.invalid"};
const std::vector<std::string> kProxySoftware = {"squid",  "tinyproxy", "mikrotik-httpproxy", "privoxy", "ccproxy",
                                                 "3proxy", ""};
const std::vector<std::string> kVerdicts = {"open", "auth-required", "refused", "unproven", "not-a-proxy"};

template <class T>
const T& pick(Rng& rng, const std::vector<T>& pool) {
  return pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
}

bool chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

std::string token(Rng& rng, std::size_t length) {
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out.push_back(kChars[rng() % kChars.size()]);
  return out;
}

// A string from the pool, or a random one beside it.
std::string varied(Rng& rng, const std::vector<std::string>& pool) {
  if (chance(rng, 0.25)) return pick(rng, pool) + " " + token(rng, 6);
  return pick(rng, pool);
}

void vary_http(Rng& rng, json::object& d) {
  if (chance(rng, 0.7)) d["title"] = varied(rng, kTitles);
  auto& headers = d["headers"].is_object() ? d["headers"].as_object() : d["headers"].emplace_object();
  if (chance(rng, 0.6)) {
    const std::string server = varied(rng, kServers);
    d["server"] = server;
    headers["server"] = server;
  } else if (chance(rng, 0.3)) {
    d.erase("server");
    headers.erase("server");
  }
  if (chance(rng, 0.15)) {
    const std::string realm = pick(rng, kRealms);
    d["status_code"] = 401;
    d["www_authenticate_realm"] = realm;
    headers["www-authenticate"] = fmt::format("Basic realm=\"{}\"", realm);
  }
  if (const auto* body = d.if_contains("body"); body != nullptr && body->is_string()) {
    // Bodies of a few hundred bytes to 16 KiB, as router pages and default sites are.
    std::string text(body->get_string());
    const std::size_t repeat = std::uniform_int_distribution<std::size_t>(0, 24)(rng);
    std::string filler;
    for (std::size_t i = 0; i < repeat; ++i)
      filler += fmt::format("<div class=\"row\" id=\"r{}\"><span>{}</span></div>\n", i, token(rng, 24));
    const std::size_t at = text.find("</body>");
    text.insert(at == std::string::npos ? text.size() : at, filler);
    d["body"] = std::move(text);
  }
  if (auto* favicon = d.if_contains("favicon"); favicon != nullptr && favicon->is_object() && chance(rng, 0.6))
    favicon->as_object()["mmh3"] = static_cast<std::int32_t>(rng());
  if (chance(rng, 0.2)) d["set_cookie_names"] = json::array{json::string(token(rng, 8))};
  if (auto* tls = d.if_contains("tls"); tls != nullptr && tls->is_object() && chance(rng, 0.7)) {
    auto& certificate = tls->as_object()["certificate"].as_object();
    const std::string name = pick(rng, kCertificateNames);
    certificate["subject"] = name;
    certificate["issuer"] = name;
    const std::size_t comma = name.find(',');
    certificate["subject_cn"] = name.substr(3, comma == std::string::npos ? std::string::npos : comma - 3);
  }
}

void vary(Rng& rng, json::object& record) {
  json::object& d = record["data"].as_object();
  const std::string protocol(record["protocol"].as_string());
  if (d.contains("status_code") && d.contains("headers")) vary_http(rng, d);
  if (protocol == "ssh") d["banner"] = varied(rng, kSshBanners);
  if (protocol == "ftp") d["banner"] = varied(rng, kFtpBanners);
  if (protocol == "telnet") d["banner"] = pick(rng, kTelnetBanners);
  if (protocol == "pptp" || protocol == "l2tp") {
    const auto& [vendor, host] = pick(rng, kTunnelNames);
    d["vendor"] = vendor;
    d["host_name"] = chance(rng, 0.3) ? token(rng, 10) + ".dyndns.invalid" : host;
    d["firmware_revision"] = static_cast<std::int64_t>(rng() % 4096);
  }
  if (protocol == "upnp" && d["description"].is_object()) {
    const auto& [manufacturer, model] = pick(rng, kUpnpModels);
    auto& description = d["description"].as_object();
    description["manufacturer"] = manufacturer;
    description["model_name"] = model;
    description["friendly_name"] = fmt::format("{} {}", model, token(rng, 4));
    if (d["ssdp"].is_object())
      d["ssdp"].as_object()["server"] =
          fmt::format("Linux/{}.{} UPnP/1.0 {}/{}", rng() % 5 + 2, rng() % 20, model, rng() % 10);
  }
  if (protocol == "http-proxy" || protocol.starts_with("socks")) {
    d["verdict"] = pick(rng, kVerdicts);
    for (const char* key : {"get", "connect", "plain"})
      if (auto* answer = d.if_contains(key); answer != nullptr && answer->is_object()) {
        const std::string& software = pick(rng, kProxySoftware);
        if (software.empty()) {
          answer->as_object().erase("software");
        } else {
          answer->as_object()["software"] = software;
          answer->as_object()["server"] = fmt::format("{}/{}.{}", software, rng() % 6, rng() % 20);
        }
      }
  }
}

// Protocols in roughly the share an ISP-wide scan of home ranges finds them.
struct Share {
  std::vector<std::string> protocols;
  double weight;
};

const std::vector<Share> kShares = {
    {{"http"}, 52}, {{"ssh"}, 10},          {{"telnet"}, 6}, {{"ftp"}, 5},     {{"upnp"}, 5},
    {{"pptp"}, 4},  {{"l2tp"}, 2},          {{"ike"}, 3},    {{"openvpn"}, 2}, {{"http-proxy", "socks5"}, 4},
    {{"cwmp"}, 4},  {{"sslvpn", "sstp"}, 3}};

std::vector<json::object> make_corpus(const std::vector<json::object>& templates, std::size_t count,
                                      std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<const json::object*>> by_share(kShares.size());
  std::vector<double> weights;
  for (std::size_t i = 0; i < kShares.size(); ++i) {
    for (const json::object& t : templates)
      if (std::ranges::find(kShares[i].protocols, std::string(t.at("protocol").as_string())) !=
          kShares[i].protocols.end())
        by_share[i].push_back(&t);
    weights.push_back(by_share[i].empty() ? 0 : kShares[i].weight);
  }
  std::discrete_distribution<std::size_t> share(weights.begin(), weights.end());
  std::vector<json::object> out;
  out.reserve(count);
  for (std::size_t n = 0; n < count; ++n) {
    const auto& group = by_share[share(rng)];
    json::object record = *group[rng() % group.size()];
    record["ip"] = fmt::format("198.{}.{}.{}", 18 + rng() % 2, rng() % 256, rng() % 256);
    record["ptr"] = chance(rng, 0.5)
                        ? json::value(fmt::format("p{}-{}.dsl.isp{}.invalid", rng() % 65536, rng() % 256, rng() % 8))
                        : json::value(nullptr);
    vary(rng, record);
    out.push_back(std::move(record));
  }
  return out;
}

// ---- synthetic copies of the rule database --------------------------------

// Every literal a condition tests gets the copy's own marker in front: a
// contains/equals/prefix/suffix value as a whole, and in a regex each run of
// three or more literal characters, wherever it is (the prefilter may take
// its anchor from any of them). Escapes, classes, group syntax and
// quantifiers are copied as they are, so the copy compiles and keeps its
// structure (anchored or not, alternatives, captures), but shares no literal
// with the original.
std::string perturbed_regex(const std::string& regex, const std::string& marker) {
  std::string out;
  std::size_t run_begin = 0;  // where in `out` the current literal run began
  std::size_t run = 0;
  const auto end_run = [&] {
    if (run >= 3) out.insert(run_begin, marker);
    run = 0;
  };
  // Copies regex[i..] through the first `close` (inclusive); returns the index after it.
  const auto copy_through = [&](std::size_t i, char close) {
    const std::size_t end = std::min(regex.find(close, i), regex.size() - 1);
    out.append(regex, i, end - i + 1);
    return end + 1;
  };
  static constexpr std::string_view kMeta = "\\^$.|?*+()[]{}";
  std::size_t i = 0;
  while (i < regex.size()) {
    const char c = regex[i];
    if (kMeta.find(c) == std::string_view::npos) {
      if (run++ == 0) run_begin = out.size();
      out.push_back(c);
      ++i;
      continue;
    }
    end_run();
    if (c == '\\' && i + 1 < regex.size()) {
      const char e = regex[i + 1];
      if (e == 'Q') {
        const std::size_t end = regex.find("\\E", i);
        const std::size_t stop = end == std::string::npos ? regex.size() : end + 2;
        out.append(regex, i, stop - i);
        i = stop;
      } else if ((e == 'x' || e == 'p' || e == 'P' || e == 'g' || e == 'k' || e == 'o' || e == 'N') &&
                 i + 2 < regex.size() && (regex[i + 2] == '{' || regex[i + 2] == '<')) {
        i = copy_through(i, regex[i + 2] == '{' ? '}' : '>');
      } else if (e == 'c' && i + 2 < regex.size()) {
        out.append(regex, i, 3);
        i += 3;
      } else {
        out.append(regex, i, 2);
        i += 2;
      }
    } else if (c == '[') {
      // A class: up to the first ']' that is not its first character, escapes and [:posix:] skipped.
      std::size_t j = i + 1;
      if (j < regex.size() && regex[j] == '^') ++j;
      if (j < regex.size() && regex[j] == ']') ++j;
      while (j < regex.size() && regex[j] != ']') {
        if (regex[j] == '\\')
          ++j;
        else if (regex.compare(j, 2, "[:") == 0)
          j = std::min(regex.find(":]", j + 2), regex.size() - 2) + 1;
        ++j;
      }
      out.append(regex, i, std::min(j, regex.size() - 1) - i + 1);
      i = j + 1;
    } else if (c == '(' && regex.compare(i, 2, "(?") == 0) {
      std::size_t j = i + 2;
      if (regex.compare(j, 1, "#") == 0) {
        i = copy_through(i, ')');
        continue;
      }
      if (regex.compare(j, 2, "<=") == 0 || regex.compare(j, 2, "<!") == 0) {
        j += 2;
      } else if (regex.compare(j, 1, "<") == 0 || regex.compare(j, 2, "P<") == 0 || regex.compare(j, 1, "'") == 0) {
        j = std::min(regex.find(regex[j] == '\'' ? '\'' : '>', j + 1), regex.size() - 1) + 1;
      } else {
        // Inline options and the other group kinds: (?i) (?i: (?: (?= (?! (?> (?|
        while (j < regex.size() &&
               (std::isalpha(static_cast<unsigned char>(regex[j])) || regex[j] == '-' || regex[j] == '^'))
          ++j;
        if (j < regex.size() && std::string_view(":)=!>|").find(regex[j]) != std::string_view::npos) ++j;
      }
      out.append(regex, i, j - i);
      i = j;
    } else if (c == '(' && regex.compare(i, 2, "(*") == 0) {
      i = copy_through(i, ')');
    } else if (c == '{') {
      // A quantifier {n}, {n,}, {n,m}; else a literal brace.
      std::size_t j = i + 1;
      while (j < regex.size() && (std::isdigit(static_cast<unsigned char>(regex[j])) || regex[j] == ',')) ++j;
      if (j < regex.size() && regex[j] == '}' && j > i + 1) {
        out.append(regex, i, j - i + 1);
        i = j + 1;
      } else {
        out.push_back(c);
        ++i;
      }
    } else {
      out.push_back(c);
      ++i;
    }
  }
  end_run();
  return out;
}

void perturb(YAML::Node node, const std::string& marker) {
  if (node.IsSequence()) {
    for (YAML::Node child : node) perturb(child, marker);
    return;
  }
  if (!node.IsMap()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    if (key == "examples") continue;  // copies are never self-tested
    if (!it->second.IsScalar()) {
      perturb(it->second, marker);
      continue;
    }
    if (key == "regex")
      it->second = perturbed_regex(it->second.as<std::string>(), marker);
    else if (key == "contains" || key == "equals" || key == "prefix" || key == "suffix")
      it->second = marker + it->second.as<std::string>();
  }
}

Result<std::vector<RuleDatabase::File>> rule_files(const Options& o) {
  std::vector<RuleDatabase::File> files;
  if (o.rules_dir.empty()) {
    for (const EmbeddedFile& f : embedded_rule_files()) files.push_back({std::string(f.name), std::string(f.text)});
    return files;
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(o.rules_dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files.push_back({path.string(), text.str()});
  }
  if (files.empty()) return make_input_error(fmt::format("no *.yaml below '{}'", o.rules_dir));
  return files;
}

Result<RuleDatabase> scaled_database(const std::vector<RuleDatabase::File>& files, int copies) {
  std::vector<RuleDatabase::File> all = files;
  for (int k = 1; k < copies; ++k) {
    const std::string marker = fmt::format("zq{}x", k);
    for (const RuleDatabase::File& file : files) {
      YAML::Node root = YAML::Load(file.text);
      for (YAML::Node rule : root["rules"]) {
        rule["id"] = fmt::format("{}-synthetic-{}", rule["id"].as<std::string>(), k);
        perturb(rule["match"], marker);
      }
      YAML::Emitter out;
      out << root;
      all.push_back({fmt::format("synthetic-{}/{}", k, file.name), out.c_str()});
    }
  }
  return RuleDatabase::load(all);
}

// ---- measuring ------------------------------------------------------------

struct Measurement {
  std::string name;
  std::function<void()> pass;  // once over the corpus
  double best = 0;             // records per second
};

// Each measurement once per round, in turn, so a machine busy with other work
// for a while slows every one alike; the best round counts.
void measure(std::vector<Measurement>& measurements, std::size_t records, int rounds) {
  for (int r = 0; r < rounds; ++r)
    for (Measurement& m : measurements) {
      const auto start = std::chrono::steady_clock::now();
      m.pass();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      m.best = std::max(m.best, static_cast<double>(records) / seconds);
    }
}

int fail(const Error& e) {
  std::fprintf(stderr, "fingerprint_bench: %s\n", e.message.c_str());
  return 2;
}

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return make_input_error(fmt::format("{} needs a value", flag));
    const std::string value = argv[++i];
    if (flag == "--templates")
      o.templates = value;
    else if (flag == "--rules")
      o.rules_dir = value;
    else if (flag == "--recog")
      o.recog_dir = value;
    else if (flag == "--records")
      o.records = std::stoull(value);
    else if (flag == "--seed")
      o.seed = std::stoull(value);
    else if (flag == "--rounds")
      o.rounds = std::stoi(value);
    else
      return make_input_error(fmt::format("unknown flag {}", flag));
  }
  if (o.templates.empty()) return make_input_error("--templates FILE is required (lab-records.jsonl)");
  if (o.records == 0 || o.rounds < 1) return make_input_error("--records and --rounds must be positive");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) return fail(options.error());
  const Options& o = *options;

  std::vector<json::object> templates;
  std::ifstream in(o.templates);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) templates.push_back(json::parse(line).as_object());
  if (templates.empty()) return fail(make_input_error(fmt::format("no records in '{}'", o.templates)));
  const std::vector<json::object> corpus = make_corpus(templates, o.records, o.seed);
  std::vector<FieldSet> fields;
  std::size_t bytes = 0;
  for (const json::object& r : corpus) {
    fields.push_back(record_fields(r));
    bytes += json::serialize(r).size();
  }

  auto files = rule_files(o);
  if (!files) return fail(files.error());
  auto loaded = RuleDatabase::load(*files);
  if (!loaded) return fail(loaded.error());
  const auto ours = std::make_shared<const RuleDatabase>(std::move(*loaded));
  std::vector<std::shared_ptr<const FingerprintSource>> sources{ours};
  std::size_t recog_fingerprints = 0;
  if (!o.recog_dir.empty()) {
    auto recog = RecogDatabase::load_directory(o.recog_dir);
    if (!recog) return fail(recog.error());
    recog_fingerprints = recog->fingerprint_count();
    sources.push_back(std::make_shared<const RecogDatabase>(std::move(*recog)));
  }
  auto labels = LabelSet::load_embedded();
  auto eol = EolList::load_embedded();
  if (!labels) return fail(labels.error());
  if (!eol) return fail(eol.error());
  const FingerprintEngine engine(sources, std::make_shared<const EolList>(std::move(*eol)),
                                 std::make_shared<const LabelSet>(std::move(*labels)));

  fmt::print("corpus {} records, {} bytes of JSON on average, seed {}\n", corpus.size(), bytes / corpus.size(), o.seed);
  fmt::print("database {} rules, {} Recog fingerprints\n", ours->rule_count(), recog_fingerprints);

  // Our rules K times over, and how many rules the prefilter leaves each.
  std::vector<std::shared_ptr<const RuleDatabase>> scaled;
  for (int k : o.scales) {
    if (k == 1) {
      scaled.push_back(ours);
      continue;
    }
    auto db = scaled_database(*files, k);
    if (!db) return fail(db.error());
    scaled.push_back(std::make_shared<const RuleDatabase>(std::move(*db)));
  }
  const auto per_record = [&](std::size_t total) {
    return static_cast<double>(total) / static_cast<double>(corpus.size());
  };
  const auto candidates_per_record = [&](const RuleDatabase& db) {
    std::size_t total = 0;
    for (const FieldSet& f : fields) total += db.candidates(f);
    return per_record(total);
  };

  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t limit_hits = 0;
  std::size_t named = 0;
  std::size_t entries = 0;
  std::size_t candidates = 0;
  const auto match_all = [&](const RuleDatabase& db) {
    for (const FieldSet& f : fields) {
      out.clear();
      db.match(f, scratch, out, limit_hits);
    }
  };
  std::vector<Measurement> measurements{
      {"full",
       [&] {
         named = 0;
         for (const json::object& r : corpus) {
           FieldSet f = record_fields(r);
           named += !engine.annotate(f, scratch).fingerprints.empty();
         }
       }},
      {"fields",
       [&] {
         entries = 0;
         for (const json::object& r : corpus) entries += record_fields(r).entries().size();
       }},
      {"sources",
       [&] {
         for (const FieldSet& f : fields) (void)engine.fingerprint(f, scratch);
       }},
      {"prefilter",
       [&] {
         candidates = 0;
         for (const FieldSet& f : fields) candidates += ours->candidates(f);
       }},
      {"exhaustive",
       [&] {
         for (const FieldSet& f : fields) {
           out.clear();
           ours->match_exhaustive(f, scratch, out, limit_hits);
         }
       }},
  };
  for (std::size_t i = 0; i < scaled.size(); ++i) {
    measurements.push_back({fmt::format("scale{}", o.scales[i]), [&, db = scaled[i].get()] { match_all(*db); }});
    measurements.push_back({fmt::format("prefilter{}", o.scales[i]), [&, db = scaled[i].get()] {
                              candidates = 0;
                              for (const FieldSet& f : fields) candidates += db->candidates(f);
                            }});
  }
  measure(measurements, corpus.size(), o.rounds);

  const auto rate = [&](std::string_view name) {
    for (const Measurement& m : measurements)
      if (m.name == name) return m.best;
    return 0.0;
  };
  fmt::print("full {:.0f}\n", rate("full"));
  fmt::print("named {:.3f}\n", per_record(named));
  fmt::print("fields {:.0f} {:.1f}\n", rate("fields"), per_record(entries));
  fmt::print("sources {:.0f}\n", rate("sources"));
  fmt::print("ours {:.0f} {:.2f}\n", rate("scale1"), candidates_per_record(*ours));
  fmt::print("prefilter {:.0f} {:.2f}\n", rate("prefilter"), per_record(candidates));
  fmt::print("exhaustive {:.0f} {}\n", rate("exhaustive"), ours->rule_count());
  for (std::size_t i = 0; i < scaled.size(); ++i)
    fmt::print("scale{} {:.0f} {:.2f} {} {:.0f}\n", o.scales[i], rate(fmt::format("scale{}", o.scales[i])),
               candidates_per_record(*scaled[i]), scaled[i]->rule_count(),
               rate(fmt::format("prefilter{}", o.scales[i])));
  fmt::print("limit_hits {}\n", limit_hits);
  return 0;
}
