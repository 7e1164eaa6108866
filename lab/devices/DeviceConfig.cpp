#include "DeviceConfig.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <tuple>
#include <utility>

#include "PreparedPersona.h"

namespace fumidai::lab {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxProtocolLength = 16;
constexpr std::size_t kMaxListenPerPersona = 64;
constexpr std::size_t kMaxHeaders = 64;
constexpr std::size_t kMaxHeaderNameLength = 64;
constexpr std::size_t kMaxHeaderValueLength = 4096;
constexpr std::size_t kMaxPages = 64;
constexpr std::size_t kMaxPathLength = 1024;
constexpr std::size_t kMaxReasonLength = 64;
constexpr std::size_t kMaxBannerLength = 4096;
constexpr std::size_t kMaxSanEntries = 32;
constexpr std::size_t kMaxDnAttributes = 16;
constexpr std::size_t kMaxDnValueLength = 128;
constexpr std::size_t kMaxSerialHexDigits = 40;  // RFC 5280: at most 20 octets
constexpr std::uint64_t kMaxHugeBodyBytes = std::uint64_t{1} << 40;
constexpr std::size_t kMaxMethodLength = 32;
constexpr std::size_t kMaxTunnelNameLength = 64;  // PPTP's Host Name and Vendor String fields
constexpr std::size_t kMaxSsdpFieldLength = 256;
constexpr std::size_t kMaxPatchBytes = 64;
// A reply datagram fits one Ethernet frame: no IP fragments.
constexpr std::size_t kMaxDatagramReplyBytes = 1472;

struct Range {
  std::int64_t low;
  std::int64_t high;
};
constexpr Range kThreadsRange{1, 64};
constexpr Range kMaxConnectionsRange{1, 1000000};
constexpr Range kRequestHeadRange{256, 65536};
constexpr Range kLifetimeMsRange{100, 3600000};
constexpr Range kDripIntervalMsRange{10, 60000};
constexpr Range kPortRange{1, 65535};
constexpr Range kStatusRange{200, 599};
constexpr Range kDatagramBytesRange{512, 65507};
constexpr Range kUdpRepliesRange{1, 10000};
constexpr Range kU16Range{0, 65535};
constexpr Range kU32Range{0, 4294967295};
constexpr Range kMaxAgeRange{1, 86400};
constexpr Range kReplyCopiesRange{1, 64};

constexpr std::array<std::string_view, 7> kExpectedStatuses = {
    "success",         "connection-refused", "connection-timeout", "io-timeout",
    "handshake-error", "protocol-error",     "application-error"};

constexpr std::array<std::pair<std::string_view, DevicePersona::Behavior>, 12> kBehaviors = {{
    {"http", DevicePersona::Behavior::http},
    {"endless-headers", DevicePersona::Behavior::endless_headers},
    {"huge-body", DevicePersona::Behavior::huge_body},
    {"drip", DevicePersona::Behavior::drip},
    {"tls-garbage", DevicePersona::Behavior::tls_garbage},
    {"telnet-storm", DevicePersona::Behavior::telnet_storm},
    {"banner", DevicePersona::Behavior::banner},
    {"silent", DevicePersona::Behavior::silent},
    {"close", DevicePersona::Behavior::close},
    {"pptp", DevicePersona::Behavior::pptp},
    {"l2tp", DevicePersona::Behavior::l2tp},
    {"ssdp", DevicePersona::Behavior::ssdp},
}};

// What a grabber reports for a persona that speaks HTTP: plain web pages, or
// a protocol that rides on HTTP.
constexpr std::array<std::string_view, 4> kHttpProtocols = {"http", "cwmp", "sstp", "sslvpn"};

constexpr std::array<std::pair<int, std::string_view>, 16> kReasons = {{
    {200, "OK"},
    {201, "Created"},
    {204, "No Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {503, "Service Unavailable"},
}};

// X.509 name attributes the personas need; OpenSSL knows each by this name.
constexpr std::array<std::string_view, 9> kDnAttributes = {"CN",           "OU",           "O", "L", "ST", "C",
                                                           "emailAddress", "serialNumber", "DC"};

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// RFC 9110 tchar.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_visible_ascii(char c) { return c > ' ' && c < 0x7f; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view view(const json::string& s) { return {s.data(), s.size()}; }

// Reads a JSON value tree with a path for messages ("personas[2].listen[0].port").
class Reader {
 public:
  Reader(std::string_view source, std::filesystem::path base_dir) : source_(source), base_dir_(std::move(base_dir)) {}

  Error error(std::string_view where, std::string_view what) const {
    return make_input_error(fmt::format("{}: {}: {}", source_, where, what));
  }

  Result<const json::object*> object(const json::value& v, std::string_view where) const {
    if (const auto* o = v.if_object()) return o;
    return error(where, "must be an object");
  }

  Result<const json::array*> array(const json::value& v, std::string_view where, std::size_t max_size,
                                   bool allow_empty) const {
    const auto* a = v.if_array();
    if (a == nullptr) return error(where, "must be an array");
    if (a->empty() && !allow_empty) return error(where, "must not be empty");
    if (a->size() > max_size) return error(where, fmt::format("has {} entries; at most {}", a->size(), max_size));
    return a;
  }

  Result<> known_keys(const json::object& o, std::string_view where,
                      std::initializer_list<std::string_view> allowed) const {
    for (const auto& entry : o) {
      const std::string_view key = entry.key();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return error(where, fmt::format("unknown key \"{}\"", key));
      }
    }
    return {};
  }

  Result<std::string> text(const json::value& v, std::string_view where, std::size_t max_length) const {
    const auto* s = v.if_string();
    if (s == nullptr) return error(where, "must be a string");
    if (s->empty()) return error(where, "must not be empty");
    if (s->size() > max_length) return error(where, fmt::format("is {} bytes long; at most {}", s->size(), max_length));
    return std::string(view(*s));
  }

  // A JSON string whose characters are bytes (U+0000-U+00FF each, Latin-1).
  Result<std::string> bytes(const json::value& v, std::string_view where, std::size_t max_length) const {
    const auto* s = v.if_string();
    if (s == nullptr) return error(where, "must be a string");
    std::string out;
    const std::string_view utf8 = view(*s);
    // Boost.JSON has validated the UTF-8, so lead bytes say the length.
    for (std::size_t i = 0; i < utf8.size();) {
      const auto lead = static_cast<unsigned char>(utf8[i]);
      if (lead < 0x80) {
        out.push_back(static_cast<char>(lead));
        ++i;
      } else if (lead < 0xE0) {
        const unsigned code = ((lead & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
        if (code > 0xFF) {
          return error(where, fmt::format("has character U+{:04X}; bytes are written as \\u0000-\\u00ff", code));
        }
        out.push_back(static_cast<char>(code));
        i += 2;
      } else {
        return error(where, "has a character above U+00FF; bytes are written as \\u0000-\\u00ff");
      }
    }
    if (out.size() > max_length) {
      return error(where, fmt::format("is {} bytes long; at most {}", out.size(), max_length));
    }
    return out;
  }

  Result<std::int64_t> integer(const json::value& v, std::string_view where, Range range) const {
    std::int64_t n = 0;
    if (const auto* i = v.if_int64()) {
      n = *i;
    } else if (const auto* u = v.if_uint64()) {
      n = *u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
              ? std::numeric_limits<std::int64_t>::max()
              : static_cast<std::int64_t>(*u);
    } else {
      return error(where, "must be an integer");
    }
    if (n < range.low || n > range.high) {
      return error(where, fmt::format("{} is out of range [{}, {}]", n, range.low, range.high));
    }
    return n;
  }

  // A non-negative integer up to 2^64-1 (JSON integers above 2^63-1 parse as uint64).
  Result<std::uint64_t> unsigned64(const json::value& v, std::string_view where) const {
    if (const auto* u = v.if_uint64()) return *u;
    if (const auto* i = v.if_int64(); i != nullptr && *i >= 0) return static_cast<std::uint64_t>(*i);
    return error(where, "must be an integer from 0 to 18446744073709551615");
  }

  Result<bool> boolean(const json::value& v, std::string_view where) const {
    if (const auto* b = v.if_bool()) return *b;
    return error(where, "must be true or false");
  }

  Result<std::string> file(const json::value& v, std::string_view where) const {
    auto name = text(v, where, 4096);
    if (!name) return name.error();
    const std::filesystem::path path = base_dir_ / *name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return error(where, fmt::format("cannot read {}", path.string()));
    std::string content;
    std::array<char, 8192> chunk{};
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
      content.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
      if (content.size() > DeviceConfig::kMaxBodyBytes) {
        return error(where, fmt::format("{} is larger than {} bytes", path.string(), DeviceConfig::kMaxBodyBytes));
      }
    }
    if (in.bad()) return error(where, fmt::format("cannot read {}", path.string()));
    return content;
  }

 private:
  std::string source_;
  std::filesystem::path base_dir_;
};

std::string at(std::string_view where, std::string_view key) { return fmt::format("{}.{}", where, key); }
std::string at(std::string_view where, std::size_t index) { return fmt::format("{}[{}]", where, index); }

Result<std::uint32_t> parse_ipv4(const Reader& r, const json::value& v, std::string_view where) {
  auto s = r.text(v, where, 15);
  if (!s) return s.error();
  in_addr address{};
  // inet_pton takes exactly four decimal parts (no octal, no short forms).
  if (inet_pton(AF_INET, s->c_str(), &address) != 1) {
    return r.error(where, fmt::format("\"{}\" is not an IPv4 address", *s));
  }
  return ntohl(address.s_addr);
}

Result<DevicePersona::Headers> parse_headers(const Reader& r, const json::value& v, std::string_view where) {
  auto list = r.array(v, where, kMaxHeaders, true);
  if (!list) return list.error();
  DevicePersona::Headers headers;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const std::string here = at(where, i);
    const auto* pair = (**list)[i].if_array();
    if (pair == nullptr || pair->size() != 2) return r.error(here, "must be a [name, value] pair");
    auto name = r.text((*pair)[0], here + "[0]", kMaxHeaderNameLength);
    if (!name) return name.error();
    if (!std::all_of(name->begin(), name->end(), is_token_char)) {
      return r.error(here, fmt::format("\"{}\" is not a header name", *name));
    }
    const auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(),
                     [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      return text;
    };
    const std::string lower_name = lower(*name);
    if (lower_name == "content-length" || lower_name == "connection" || lower_name == "transfer-encoding") {
      return r.error(here, fmt::format("{} is written by the emulator itself (it frames the response)", *name));
    }
    auto value = r.bytes((*pair)[1], here + "[1]", kMaxHeaderValueLength);
    if (!value) return value.error();
    // CR and LF would end the header early and break the framing of everything after.
    if (value->find_first_of("\r\n") != std::string::npos) return r.error(here, "value holds CR or LF");
    headers.emplace_back(std::move(*name), std::move(*value));
  }
  return headers;
}

Result<DevicePersona::Page> parse_page(const Reader& r, const json::value& v, std::string_view where) {
  auto o = r.object(v, where);
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, where,
                            {"path", "method", "status", "reason", "headers", "body", "body_file", "declared_length"});
      !k) {
    return k.error();
  }
  DevicePersona::Page page;
  const auto* path = (*o)->if_contains("path");
  if (path == nullptr) return r.error(where, "\"path\" is missing");
  auto path_text = r.text(*path, at(where, "path"), kMaxPathLength);
  if (!path_text) return path_text.error();
  if (path_text->front() != '/' || !std::all_of(path_text->begin(), path_text->end(), is_visible_ascii) ||
      path_text->find_first_of("?#") != std::string::npos) {
    return r.error(at(where, "path"), fmt::format("\"{}\" is not a path (/..., visible ASCII, no ? or #)", *path_text));
  }
  page.path = std::move(*path_text);

  if (const auto* method = (*o)->if_contains("method")) {
    auto name = r.text(*method, at(where, "method"), kMaxMethodLength);
    if (!name) return name.error();
    if (!std::all_of(name->begin(), name->end(), is_token_char)) {
      return r.error(at(where, "method"), fmt::format("\"{}\" is not a method name", *name));
    }
    page.method = std::move(*name);
  }
  if (const auto* status = (*o)->if_contains("status")) {
    auto n = r.integer(*status, at(where, "status"), kStatusRange);
    if (!n) return n.error();
    page.status = static_cast<int>(*n);
  }
  const auto* reason = (*o)->if_contains("reason");
  if (reason != nullptr && reason->is_string() && reason->get_string().empty()) {
    // "": the status line ends after the code, as SSTP servers write it.
  } else if (reason != nullptr) {
    auto text = r.text(*reason, at(where, "reason"), kMaxReasonLength);
    if (!text) return text.error();
    if (!std::all_of(text->begin(), text->end(), [](char c) { return c == ' ' || is_visible_ascii(c); })) {
      return r.error(at(where, "reason"), "must be printable ASCII");
    }
    page.reason = std::move(*text);
  } else {
    const auto known =
        std::find_if(kReasons.begin(), kReasons.end(), [&](const auto& entry) { return entry.first == page.status; });
    if (known == kReasons.end()) {
      return r.error(where, fmt::format("status {} needs a \"reason\"", page.status));
    }
    page.reason = std::string(known->second);
  }
  if (const auto* headers = (*o)->if_contains("headers")) {
    auto parsed = parse_headers(r, *headers, at(where, "headers"));
    if (!parsed) return parsed.error();
    page.headers = std::move(*parsed);
  }
  const auto* body = (*o)->if_contains("body");
  const auto* body_file = (*o)->if_contains("body_file");
  if (body != nullptr && body_file != nullptr) return r.error(where, "has both \"body\" and \"body_file\"");
  if (body != nullptr) {
    const auto* s = body->if_string();
    if (s == nullptr) return r.error(at(where, "body"), "must be a string");
    if (s->size() > DeviceConfig::kMaxBodyBytes) {
      return r.error(at(where, "body"), fmt::format("is larger than {} bytes", DeviceConfig::kMaxBodyBytes));
    }
    page.body = std::string(view(*s));
  } else if (body_file != nullptr) {
    auto content = r.file(*body_file, at(where, "body_file"));
    if (!content) return content.error();
    page.body = std::move(*content);
  }
  if (const auto* declared = (*o)->if_contains("declared_length")) {
    auto n = r.unsigned64(*declared, at(where, "declared_length"));
    if (!n) return n.error();
    if (*n < page.body.size()) {
      return r.error(at(where, "declared_length"),
                     fmt::format("{} is less than the body's {} bytes", *n, page.body.size()));
    }
    page.declared_length = *n;
  }
  return page;
}

// RFC 4514, as certificates print: "CN=Vigor Router,OU=DrayTek Support,C=TW".
// A backslash escapes the next character (\, \+ \\ ...) or writes a byte as two
// hex digits. Multi-valued RDNs (+) are not needed by any persona.
Result<std::vector<CertificateSpec::Attribute>> parse_dn(const Reader& r, const json::value& v,
                                                         std::string_view where) {
  auto text = r.text(v, where, 1024);
  if (!text) return text.error();
  const std::string& t = *text;
  std::vector<CertificateSpec::Attribute> attributes;
  std::size_t i = 0;
  while (true) {
    std::string type;
    while (i < t.size() && t[i] != '=' && t[i] != ',') type.push_back(t[i++]);
    if (i == t.size() || t[i] != '=' || type.empty()) {
      return r.error(where, fmt::format("\"{}\" is not TYPE=value,TYPE=value,...", t));
    }
    ++i;
    std::string value;
    bool more = false;
    while (i < t.size()) {
      const char c = t[i];
      if (c == ',') {
        more = true;
        ++i;
        break;
      }
      if (c == '+') return r.error(where, "multi-valued RDNs (+) are not supported; write a literal + as \\+");
      if (c != '\\') {
        value.push_back(c);
        ++i;
        continue;
      }
      if (i + 1 >= t.size()) return r.error(where, "ends in a lone backslash");
      const int high = hex_digit(t[i + 1]);
      const int low = i + 2 < t.size() ? hex_digit(t[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        value.push_back(static_cast<char>(high * 16 + low));
        i += 3;
      } else {
        value.push_back(t[i + 1]);
        i += 2;
      }
    }
    if (std::find(kDnAttributes.begin(), kDnAttributes.end(), type) == kDnAttributes.end()) {
      return r.error(where, fmt::format("unknown attribute type \"{}\" (known: CN OU O L ST C emailAddress "
                                        "serialNumber DC)",
                                        type));
    }
    if (value.empty() || value.size() > kMaxDnValueLength) {
      return r.error(where, fmt::format("{} must be 1-{} bytes", type, kMaxDnValueLength));
    }
    if (type == "C" && (value.size() != 2 || !std::isupper(static_cast<unsigned char>(value[0])) ||
                        !std::isupper(static_cast<unsigned char>(value[1])))) {
      return r.error(where, fmt::format("C=\"{}\" is not a two-letter country code", value));
    }
    attributes.emplace_back(std::move(type), std::move(value));
    if (attributes.size() > kMaxDnAttributes) {
      return r.error(where, fmt::format("has more than {} attributes", kMaxDnAttributes));
    }
    if (!more) return attributes;
  }
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// "2015-06-01T00:00:00Z" -> "20150601000000Z" (ASN.1 GeneralizedTime text).
Result<std::string> parse_time(const Reader& r, const json::value& v, std::string_view where) {
  auto text = r.text(v, where, 20);
  if (!text) return text.error();
  const std::string& t = *text;
  const auto bad = [&] { return r.error(where, fmt::format("\"{}\" is not YYYY-MM-DDTHH:MM:SSZ", t)); };
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z') {
    return bad();
  }
  const auto number = [&](std::size_t pos, std::size_t len) {
    int n = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      n = n * 10 + (t[i] - '0');
    }
    return n;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1950 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59) {
    return bad();
  }
  const int days_in_month = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  if (day > days_in_month) return bad();
  return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + t.substr(11, 2) + t.substr(14, 2) + t.substr(17, 2) + "Z";
}

Result<CertificateSpec> parse_certificate(const Reader& r, const json::value& v, std::string_view where) {
  auto o = r.object(v, where);
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, where, {"key", "subject", "issuer", "san", "not_before", "not_after", "serial"}); !k) {
    return k.error();
  }
  CertificateSpec spec;
  if (const auto* key = (*o)->if_contains("key")) {
    auto name = r.text(*key, at(where, "key"), 16);
    if (!name) return name.error();
    if (*name == "rsa2048") {
      spec.key = CertificateSpec::KeyType::rsa2048;
    } else if (*name == "ec-p256") {
      spec.key = CertificateSpec::KeyType::ec_p256;
    } else {
      return r.error(at(where, "key"), fmt::format("\"{}\" is not rsa2048 or ec-p256", *name));
    }
  }
  const auto* subject = (*o)->if_contains("subject");
  if (subject == nullptr) return r.error(where, "\"subject\" is missing");
  auto subject_dn = parse_dn(r, *subject, at(where, "subject"));
  if (!subject_dn) return subject_dn.error();
  spec.subject = std::move(*subject_dn);
  if (const auto* issuer = (*o)->if_contains("issuer")) {
    auto issuer_dn = parse_dn(r, *issuer, at(where, "issuer"));
    if (!issuer_dn) return issuer_dn.error();
    spec.issuer = std::move(*issuer_dn);
  } else {
    spec.issuer = spec.subject;
  }
  if (const auto* san = (*o)->if_contains("san")) {
    auto list = r.array(*san, at(where, "san"), kMaxSanEntries, true);
    if (!list) return list.error();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const std::string here = at(at(where, "san"), i);
      auto entry = r.text((**list)[i], here, 260);
      if (!entry) return entry.error();
      const std::string_view e = *entry;
      if (e.starts_with("DNS:") && e.size() > 4 && e.size() <= 4 + 253 &&
          std::all_of(e.begin() + 4, e.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '*' || c == '_';
          })) {
        spec.dns_names.emplace_back(e.substr(4));
      } else if (e.starts_with("IP:")) {
        in_addr address{};
        if (inet_pton(AF_INET, std::string(e.substr(3)).c_str(), &address) != 1) {
          return r.error(here, fmt::format("\"{}\" is not an IPv4 address", e.substr(3)));
        }
        spec.ip_addresses.emplace_back(e.substr(3));
      } else {
        return r.error(here, fmt::format("\"{}\" is not DNS:name or IP:a.b.c.d", e));
      }
    }
  }
  const auto* not_before = (*o)->if_contains("not_before");
  const auto* not_after = (*o)->if_contains("not_after");
  if (not_before == nullptr || not_after == nullptr) return r.error(where, "needs \"not_before\" and \"not_after\"");
  auto before = parse_time(r, *not_before, at(where, "not_before"));
  if (!before) return before.error();
  auto after = parse_time(r, *not_after, at(where, "not_after"));
  if (!after) return after.error();
  // Same fixed-width form, so text order is time order.
  if (*after <= *before) return r.error(where, "not_after must be later than not_before");
  spec.not_before = std::move(*before);
  spec.not_after = std::move(*after);
  if (const auto* serial = (*o)->if_contains("serial")) {
    auto hex = r.text(*serial, at(where, "serial"), kMaxSerialHexDigits);
    if (!hex) return hex.error();
    if (!std::all_of(hex->begin(), hex->end(), [](char c) { return hex_digit(c) >= 0; })) {
      return r.error(at(where, "serial"), fmt::format("\"{}\" is not hex", *hex));
    }
    spec.serial_hex = std::move(*hex);
  }
  return spec;
}

// "pptp" or "l2tp": what the server says about itself.
Result<DevicePersona::Tunnel> parse_tunnel(const Reader& r, const json::value& v, std::string_view where, bool pptp) {
  auto o = r.object(v, where);
  if (!o) return o.error();
  auto k =
      pptp ? r.known_keys(**o, where,
                          {"host_name", "vendor", "firmware_revision", "framing_capabilities", "bearer_capabilities",
                           "max_channels"})
           : r.known_keys(**o, where,
                          {"host_name", "vendor", "firmware_revision", "framing_capabilities", "bearer_capabilities"});
  if (!k) return k.error();
  DevicePersona::Tunnel tunnel;
  for (const auto& [key, field] : {std::pair{"host_name", &tunnel.host_name}, std::pair{"vendor", &tunnel.vendor}}) {
    const auto* value = (*o)->if_contains(key);
    if (value == nullptr) return r.error(where, fmt::format("\"{}\" is missing", key));
    auto bytes = r.bytes(*value, at(where, key), kMaxTunnelNameLength);
    if (!bytes) return bytes.error();
    if (bytes->empty()) return r.error(at(where, key), "must not be empty");
    *field = std::move(*bytes);
  }
  const auto number = [&](std::string_view key, Range range, auto apply) -> Result<> {
    const auto* value = (*o)->if_contains(key);
    if (value == nullptr) return {};
    auto n = r.integer(*value, at(where, key), range);
    if (!n) return n.error();
    apply(*n);
    return {};
  };
  if (auto ok = number("firmware_revision", kU16Range,
                       [&](std::int64_t n) { tunnel.firmware_revision = static_cast<std::uint16_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = number("framing_capabilities", kU32Range,
                       [&](std::int64_t n) { tunnel.framing_capabilities = static_cast<std::uint32_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = number("bearer_capabilities", kU32Range,
                       [&](std::int64_t n) { tunnel.bearer_capabilities = static_cast<std::uint32_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = number("max_channels", kU16Range,
                       [&](std::int64_t n) { tunnel.max_channels = static_cast<std::uint16_t>(n); });
      !ok) {
    return ok.error();
  }
  return tunnel;
}

Result<DevicePersona::Ssdp> parse_ssdp(const Reader& r, const json::value& v, std::string_view where) {
  auto o = r.object(v, where);
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, where, {"server", "location", "udn", "device_type", "max_age_s"}); !k) {
    return k.error();
  }
  DevicePersona::Ssdp ssdp;
  const auto* server = (*o)->if_contains("server");
  if (server == nullptr) return r.error(where, "\"server\" is missing");
  auto server_bytes = r.bytes(*server, at(where, "server"), kMaxSsdpFieldLength);
  if (!server_bytes) return server_bytes.error();
  if (server_bytes->empty() || server_bytes->find_first_of("\r\n") != std::string::npos) {
    return r.error(at(where, "server"), "must be one non-empty line");
  }
  ssdp.server = std::move(*server_bytes);
  // Visible ASCII with a fixed start: what a reply header and a URL hold.
  for (const auto& [key, prefix, field] :
       {std::tuple{"location", "http://", &ssdp.location}, std::tuple{"udn", "uuid:", &ssdp.udn},
        std::tuple{"device_type", "urn:", &ssdp.device_type}}) {
    const auto* value = (*o)->if_contains(key);
    if (value == nullptr) return r.error(where, fmt::format("\"{}\" is missing", key));
    auto text = r.text(*value, at(where, key), kMaxSsdpFieldLength);
    if (!text) return text.error();
    if (!text->starts_with(prefix) || text->size() == std::string_view(prefix).size() ||
        !std::all_of(text->begin(), text->end(), is_visible_ascii)) {
      return r.error(at(where, key), fmt::format("\"{}\" is not {}... (visible ASCII)", *text, prefix));
    }
    *field = std::move(*text);
  }
  if (const auto* max_age = (*o)->if_contains("max_age_s")) {
    auto n = r.integer(*max_age, at(where, "max_age_s"), kMaxAgeRange);
    if (!n) return n.error();
    ssdp.max_age_s = static_cast<unsigned>(*n);
  }
  return ssdp;
}

Result<DevicePersona::ReplyPatch> parse_reply_patch(const Reader& r, const json::value& v, std::string_view where) {
  auto o = r.object(v, where);
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, where, {"offset", "bytes"}); !k) return k.error();
  const auto* offset = (*o)->if_contains("offset");
  const auto* bytes = (*o)->if_contains("bytes");
  if (offset == nullptr || bytes == nullptr) return r.error(where, "needs \"offset\" and \"bytes\"");
  auto n = r.integer(*offset, at(where, "offset"), {0, static_cast<std::int64_t>(kMaxDatagramReplyBytes)});
  if (!n) return n.error();
  auto patch = r.bytes(*bytes, at(where, "bytes"), kMaxPatchBytes);
  if (!patch) return patch.error();
  if (patch->empty()) return r.error(at(where, "bytes"), "must not be empty");
  return DevicePersona::ReplyPatch{static_cast<std::size_t>(*n), std::move(*patch)};
}

bool is_binary_behavior(DevicePersona::Behavior behavior) {
  return behavior == DevicePersona::Behavior::pptp || behavior == DevicePersona::Behavior::l2tp ||
         behavior == DevicePersona::Behavior::ssdp;
}

// reply_patch, reply_bytes and reply_copies, checked against every main reply
// the persona can send.
Result<> parse_reply_options(const Reader& r, const json::object& o, std::string_view where, DevicePersona& p) {
  const auto* patch = o.if_contains("reply_patch");
  const auto* cut = o.if_contains("reply_bytes");
  const auto* copies = o.if_contains("reply_copies");
  if (!is_binary_behavior(p.behavior)) {
    if (patch != nullptr || cut != nullptr || copies != nullptr) {
      return r.error(where, "reply_patch, reply_bytes and reply_copies go with behaviors pptp, l2tp and ssdp only");
    }
    return {};
  }
  const auto replies = PreparedPersona::main_replies(p);
  std::size_t shortest = replies.front().size();
  for (const auto& reply : replies) {
    shortest = std::min(shortest, reply.size());
    if (p.answers_datagrams() && reply.size() > kMaxDatagramReplyBytes) {
      return r.error(where, fmt::format("a reply is {} bytes; a datagram reply holds at most {}", reply.size(),
                                        kMaxDatagramReplyBytes));
    }
  }
  if (patch != nullptr) {
    auto parsed = parse_reply_patch(r, *patch, at(where, "reply_patch"));
    if (!parsed) return parsed.error();
    if (parsed->offset + parsed->bytes.size() > shortest) {
      return r.error(at(where, "reply_patch"), fmt::format("ends at byte {}; the reply is {} bytes",
                                                           parsed->offset + parsed->bytes.size(), shortest));
    }
    p.reply_patch = std::move(*parsed);
  }
  if (cut != nullptr) {
    auto n = r.integer(*cut, at(where, "reply_bytes"), {1, static_cast<std::int64_t>(shortest) - 1});
    if (!n) return n.error();
    p.reply_bytes = static_cast<std::size_t>(*n);
  }
  if (copies != nullptr) {
    if (!p.answers_datagrams()) return r.error(at(where, "reply_copies"), "goes with behaviors l2tp and ssdp only");
    auto n = r.integer(*copies, at(where, "reply_copies"), kReplyCopiesRange);
    if (!n) return n.error();
    p.reply_copies = static_cast<unsigned>(*n);
  }
  return {};
}

using EndpointSet = std::set<std::tuple<std::uint32_t, std::uint16_t, DevicePersona::Transport>>;

Result<DevicePersona> parse_persona(const Reader& r, const json::value& v, std::string_view index_where,
                                    EndpointSet& endpoints) {
  auto o = r.object(v, index_where);
  if (!o) return o.error();
  DevicePersona p;
  const auto* name = (*o)->if_contains("name");
  if (name == nullptr) return r.error(index_where, "\"name\" is missing");
  auto name_text = r.text(*name, at(index_where, "name"), kMaxNameLength);
  if (!name_text) return name_text.error();
  if (!std::all_of(name_text->begin(), name_text->end(), is_name_char)) {
    return r.error(at(index_where, "name"), fmt::format("\"{}\" must be a-z 0-9 -", *name_text));
  }
  p.name = std::move(*name_text);
  // From here on messages name the persona, which is easier to find than an index.
  const std::string where = fmt::format("{} \"{}\"", index_where, p.name);

  if (auto k = r.known_keys(
          **o, where,
          {"name", "protocol", "behavior", "expected_status", "listen", "headers", "pages", "certificate", "banner",
           "body_bytes", "drip_interval_ms", "pptp", "l2tp", "ssdp", "reply_patch", "reply_bytes", "reply_copies"});
      !k) {
    return k.error();
  }

  const auto* protocol = (*o)->if_contains("protocol");
  if (protocol == nullptr) return r.error(where, "\"protocol\" is missing");
  auto protocol_text = r.text(*protocol, at(where, "protocol"), kMaxProtocolLength);
  if (!protocol_text) return protocol_text.error();
  if (!std::all_of(protocol_text->begin(), protocol_text->end(), is_name_char)) {
    return r.error(at(where, "protocol"), fmt::format("\"{}\" must be a-z 0-9 -", *protocol_text));
  }
  p.protocol = std::move(*protocol_text);

  const auto* behavior = (*o)->if_contains("behavior");
  if (behavior == nullptr) return r.error(where, "\"behavior\" is missing");
  auto behavior_text = r.text(*behavior, at(where, "behavior"), 32);
  if (!behavior_text) return behavior_text.error();
  const auto known_behavior = std::find_if(kBehaviors.begin(), kBehaviors.end(),
                                           [&](const auto& entry) { return entry.first == *behavior_text; });
  if (known_behavior == kBehaviors.end()) {
    return r.error(at(where, "behavior"),
                   fmt::format("\"{}\" is not one of http endless-headers huge-body drip tls-garbage telnet-storm "
                               "banner silent close pptp l2tp ssdp",
                               *behavior_text));
  }
  p.behavior = known_behavior->second;
  if (p.reads_request() &&
      std::find(kHttpProtocols.begin(), kHttpProtocols.end(), p.protocol) == kHttpProtocols.end()) {
    return r.error(
        at(where, "protocol"),
        fmt::format("behavior {} speaks HTTP, so protocol must be http, cwmp, sstp or sslvpn", *behavior_text));
  }
  // The binary behaviors are their protocol; SSDP is how UPnP answers.
  const std::string_view binary_protocol =
      p.behavior == DevicePersona::Behavior::ssdp ? std::string_view("upnp") : std::string_view(*behavior_text);
  if (is_binary_behavior(p.behavior) && p.protocol != binary_protocol) {
    return r.error(at(where, "protocol"), fmt::format("behavior {} speaks {}, so protocol must be {}", *behavior_text,
                                                      binary_protocol, binary_protocol));
  }

  const auto* expected = (*o)->if_contains("expected_status");
  if (expected == nullptr) return r.error(where, "\"expected_status\" is missing");
  auto expected_text = r.text(*expected, at(where, "expected_status"), 32);
  if (!expected_text) return expected_text.error();
  if (std::find(kExpectedStatuses.begin(), kExpectedStatuses.end(), *expected_text) == kExpectedStatuses.end()) {
    return r.error(at(where, "expected_status"),
                   fmt::format("\"{}\" is not a ZGrab2 status (success, io-timeout, protocol-error, "
                               "handshake-error, application-error, connection-refused, connection-timeout)",
                               *expected_text));
  }
  p.expected_status = std::move(*expected_text);

  const auto* listen = (*o)->if_contains("listen");
  if (listen == nullptr) return r.error(where, "\"listen\" is missing");
  auto listen_list = r.array(*listen, at(where, "listen"), kMaxListenPerPersona, false);
  if (!listen_list) return listen_list.error();
  for (std::size_t i = 0; i < (*listen_list)->size(); ++i) {
    const std::string here = at(at(where, "listen"), i);
    auto entry = r.object((**listen_list)[i], here);
    if (!entry) return entry.error();
    if (auto k = r.known_keys(**entry, here, {"ip", "port", "tls", "transport"}); !k) return k.error();
    const auto* ip = (*entry)->if_contains("ip");
    const auto* port = (*entry)->if_contains("port");
    if (ip == nullptr || port == nullptr) return r.error(here, "needs \"ip\" and \"port\"");
    auto address = parse_ipv4(r, *ip, at(here, "ip"));
    if (!address) return address.error();
    auto port_number = r.integer(*port, at(here, "port"), kPortRange);
    if (!port_number) return port_number.error();
    DevicePersona::Listen l;
    l.ip = std::string(view(ip->get_string()));
    l.port = static_cast<std::uint16_t>(*port_number);
    if (const auto* tls = (*entry)->if_contains("tls")) {
      auto flag = r.boolean(*tls, at(here, "tls"));
      if (!flag) return flag.error();
      l.tls = *flag;
    }
    if (const auto* transport = (*entry)->if_contains("transport")) {
      auto kind = r.text(*transport, at(here, "transport"), 8);
      if (!kind) return kind.error();
      if (*kind != "tcp" && *kind != "udp") {
        return r.error(at(here, "transport"), fmt::format("\"{}\" is not tcp or udp", *kind));
      }
      l.transport = *kind == "udp" ? DevicePersona::Transport::udp : DevicePersona::Transport::tcp;
    }
    const bool udp = l.transport == DevicePersona::Transport::udp;
    if (udp != p.answers_datagrams()) {
      return r.error(here,
                     udp ? fmt::format("behavior {} answers connections, not datagrams", *behavior_text)
                         : fmt::format("behavior {} answers datagrams: needs \"transport\": \"udp\"", *behavior_text));
    }
    if (l.tls && (udp || p.behavior == DevicePersona::Behavior::pptp)) {
      return r.error(here, fmt::format("behavior {} speaks in the clear: no \"tls\"", *behavior_text));
    }
    if (!endpoints.emplace(*address, l.port, l.transport).second) {
      return r.error(
          here, fmt::format("{} {}:{} is already taken by another listen entry", udp ? "udp" : "tcp", l.ip, l.port));
    }
    if (p.behavior == DevicePersona::Behavior::tls_garbage && !l.tls) {
      return r.error(here, "behavior tls-garbage needs \"tls\": true (a grabber should try TLS there)");
    }
    p.listen.push_back(std::move(l));
  }

  if (const auto* headers = (*o)->if_contains("headers")) {
    auto parsed = parse_headers(r, *headers, at(where, "headers"));
    if (!parsed) return parsed.error();
    p.headers = std::move(*parsed);
  }

  const bool has_pages_behavior =
      p.behavior == DevicePersona::Behavior::http || p.behavior == DevicePersona::Behavior::drip;
  if (const auto* pages = (*o)->if_contains("pages")) {
    if (!has_pages_behavior) return r.error(at(where, "pages"), "only behaviors http and drip serve pages");
    auto list = r.array(*pages, at(where, "pages"), kMaxPages, false);
    if (!list) return list.error();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const std::string here = at(at(where, "pages"), i);
      auto page = parse_page(r, (**list)[i], here);
      if (!page) return page.error();
      if (p.behavior == DevicePersona::Behavior::drip && (!page->method.empty() || page->declared_length)) {
        return r.error(here,
                       "behavior drip sends its \"/\" page whatever the request: no \"method\" or "
                       "\"declared_length\"");
      }
      const bool duplicate = std::any_of(p.pages.begin(), p.pages.end(), [&](const DevicePersona::Page& other) {
        return other.path == page->path && other.method == page->method;
      });
      if (duplicate) {
        return r.error(here, page->method.empty()
                                 ? fmt::format("path {} appears twice", page->path)
                                 : fmt::format("path {} appears twice for method {}", page->path, page->method));
      }
      p.pages.push_back(std::move(*page));
    }
  } else if (has_pages_behavior) {
    return r.error(where, "\"pages\" is missing");
  }
  if (p.behavior == DevicePersona::Behavior::drip &&
      std::none_of(p.pages.begin(), p.pages.end(), [](const DevicePersona::Page& page) { return page.path == "/"; })) {
    return r.error(at(where, "pages"), "behavior drip sends the \"/\" page; there is none");
  }

  const bool wants_certificate =
      p.terminates_tls() && std::any_of(p.listen.begin(), p.listen.end(), [](const auto& l) { return l.tls; });
  if (const auto* certificate = (*o)->if_contains("certificate")) {
    if (!wants_certificate) {
      return r.error(at(where, "certificate"), "no listen entry of this persona completes a TLS handshake");
    }
    auto spec = parse_certificate(r, *certificate, at(where, "certificate"));
    if (!spec) return spec.error();
    p.certificate = std::move(*spec);
  } else if (wants_certificate) {
    return r.error(where, "a listen entry has \"tls\": true, so \"certificate\" is needed");
  }

  const auto* banner = (*o)->if_contains("banner");
  if ((banner != nullptr) != (p.behavior == DevicePersona::Behavior::banner)) {
    return r.error(where, "\"banner\" goes with behavior banner, and only there");
  }
  if (banner != nullptr) {
    auto bytes = r.bytes(*banner, at(where, "banner"), kMaxBannerLength);
    if (!bytes) return bytes.error();
    if (bytes->empty()) return r.error(at(where, "banner"), "must not be empty");
    p.banner = std::move(*bytes);
  }

  const auto* body_bytes = (*o)->if_contains("body_bytes");
  if ((body_bytes != nullptr) != (p.behavior == DevicePersona::Behavior::huge_body)) {
    return r.error(where, "\"body_bytes\" goes with behavior huge-body, and only there");
  }
  if (body_bytes != nullptr) {
    auto n = r.integer(*body_bytes, at(where, "body_bytes"), {1, static_cast<std::int64_t>(kMaxHugeBodyBytes)});
    if (!n) return n.error();
    p.body_bytes = static_cast<std::uint64_t>(*n);
  }

  if (const auto* drip = (*o)->if_contains("drip_interval_ms")) {
    if (p.behavior != DevicePersona::Behavior::drip) {
      return r.error(at(where, "drip_interval_ms"), "goes with behavior drip only");
    }
    auto ms = r.integer(*drip, at(where, "drip_interval_ms"), kDripIntervalMsRange);
    if (!ms) return ms.error();
    p.drip_interval = std::chrono::milliseconds(*ms);
  }

  const bool tunnel_behavior =
      p.behavior == DevicePersona::Behavior::pptp || p.behavior == DevicePersona::Behavior::l2tp;
  for (const std::string_view key : {"pptp", "l2tp", "ssdp"}) {
    const auto* value = (*o)->if_contains(key);
    const bool wanted = *behavior_text == key;
    if ((value != nullptr) != wanted)
      return r.error(where, fmt::format("\"{0}\" goes with behavior {0}, and only there", key));
    if (value == nullptr) continue;
    if (tunnel_behavior) {
      auto tunnel = parse_tunnel(r, *value, at(where, key), key == "pptp");
      if (!tunnel) return tunnel.error();
      p.tunnel = std::move(*tunnel);
    } else {
      auto ssdp = parse_ssdp(r, *value, at(where, key));
      if (!ssdp) return ssdp.error();
      p.ssdp = std::move(*ssdp);
    }
  }
  // Last: the replies they are checked against need every other field.
  if (auto ok = parse_reply_options(r, **o, where, p); !ok) return ok.error();
  return p;
}

Result<DeviceLimits> parse_limits(const Reader& r, const json::value& v) {
  constexpr std::string_view where = "limits";
  auto o = r.object(v, where);
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, where,
                            {"threads", "max_connections", "max_request_head_bytes", "connection_lifetime_ms",
                             "idle_timeout_ms", "max_datagram_bytes", "udp_replies_per_source_per_second"});
      !k) {
    return k.error();
  }
  DeviceLimits limits;
  const auto read = [&](std::string_view key, Range range, auto apply) -> Result<> {
    const auto* value = (*o)->if_contains(key);
    if (value == nullptr) return {};
    auto n = r.integer(*value, at(where, key), range);
    if (!n) return n.error();
    apply(*n);
    return {};
  };
  if (auto ok = read("threads", kThreadsRange, [&](std::int64_t n) { limits.threads = static_cast<unsigned>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("max_connections", kMaxConnectionsRange,
                     [&](std::int64_t n) { limits.max_connections = static_cast<std::size_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("max_request_head_bytes", kRequestHeadRange,
                     [&](std::int64_t n) { limits.max_request_head_bytes = static_cast<std::size_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("connection_lifetime_ms", kLifetimeMsRange,
                     [&](std::int64_t n) { limits.connection_lifetime = std::chrono::milliseconds(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("idle_timeout_ms", kLifetimeMsRange,
                     [&](std::int64_t n) { limits.idle_timeout = std::chrono::milliseconds(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("max_datagram_bytes", kDatagramBytesRange,
                     [&](std::int64_t n) { limits.max_datagram_bytes = static_cast<std::size_t>(n); });
      !ok) {
    return ok.error();
  }
  if (auto ok = read("udp_replies_per_source_per_second", kUdpRepliesRange,
                     [&](std::int64_t n) { limits.udp_replies_per_source_per_second = static_cast<unsigned>(n); });
      !ok) {
    return ok.error();
  }
  if (limits.idle_timeout > limits.connection_lifetime) {
    return r.error(where, "idle_timeout_ms must not exceed connection_lifetime_ms");
  }
  return limits;
}

}  // namespace

Result<DeviceConfig> DeviceConfig::parse(std::string_view text, const std::filesystem::path& base_dir,
                                         std::string_view source) {
  const Reader r(source, base_dir);
  if (text.size() > kMaxConfigBytes) {
    return r.error("file", fmt::format("is larger than {} bytes", kMaxConfigBytes));
  }
  json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  boost::system::error_code ec;
  const json::value root = json::parse(text, ec, {}, options);
  if (ec) return make_input_error(fmt::format("{}: not valid JSON: {}", source, ec.message()));
  auto o = r.object(root, "top level");
  if (!o) return o.error();
  if (auto k = r.known_keys(**o, "top level", {"limits", "personas"}); !k) return k.error();

  DeviceConfig config;
  if (const auto* limits = (*o)->if_contains("limits")) {
    auto parsed = parse_limits(r, *limits);
    if (!parsed) return parsed.error();
    config.limits_ = *parsed;
  }
  const auto* personas = (*o)->if_contains("personas");
  if (personas == nullptr) return r.error("top level", "\"personas\" is missing");
  auto list = r.array(*personas, "personas", kMaxPersonas, false);
  if (!list) return list.error();
  EndpointSet endpoints;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto persona = parse_persona(r, (**list)[i], at("personas", i), endpoints);
    if (!persona) return persona.error();
    const bool duplicate = std::any_of(config.personas_.begin(), config.personas_.end(),
                                       [&](const DevicePersona& other) { return other.name == persona->name; });
    if (duplicate) return r.error(at("personas", i), fmt::format("name \"{}\" appears twice", persona->name));
    config.personas_.push_back(std::move(*persona));
  }
  if (endpoints.size() > kMaxListenEntries) {
    return r.error("personas", fmt::format("have {} listen entries; at most {}", endpoints.size(), kMaxListenEntries));
  }
  return config;
}

Result<DeviceConfig> DeviceConfig::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot read config {}", file.string()));
  std::string text;
  std::array<char, 8192> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
      return make_input_error(fmt::format("{}: is larger than {} bytes", file.string(), kMaxConfigBytes));
    }
  }
  if (in.bad()) return make_input_error(fmt::format("cannot read config {}", file.string()));
  return parse(text, file.parent_path(), file.string());
}

std::size_t DeviceConfig::listen_count() const {
  std::size_t n = 0;
  for (const auto& p : personas_) n += p.listen.size();
  return n;
}

std::string DeviceConfig::services_csv() const {
  std::string out;
  for (const auto& p : personas_) {
    for (const auto& l : p.listen) {
      out += fmt::format("{},{},{},{},{},{},{}\n", l.ip, l.port, p.protocol, l.tls ? "true" : "false", p.name,
                         p.expected_status, l.transport == DevicePersona::Transport::udp ? "udp" : "tcp");
    }
  }
  return out;
}

}  // namespace fumidai::lab
