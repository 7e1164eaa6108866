#include "fumidai/campaigns/NationalCertDirectory.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "fumidai/mail/MailAddress.h"

namespace fumidai::embedded {
extern const std::string_view campaigns_national_certs_csv;
}

namespace fumidai::campaigns {
namespace {

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.emplace_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool is_country(std::string_view s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

Result<NationalCertDirectory> NationalCertDirectory::parse(std::string_view text, std::string_view file) {
  NationalCertDirectory directory;
  std::set<std::string> ids;
  bool header_seen = false;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto error = [&](std::string reason) { return make_input_error(fmt::format("{}:{}: {}", file, number, reason)); };
    if (!header_seen) {
      if (line != "country,id,name,email") return error("the header must be \"country,id,name,email\"");
      header_seen = true;
      continue;
    }
    const auto fields = split_fields(line);
    if (fields.size() != 4) return error(fmt::format("{} fields; want 4 (country,id,name,email)", fields.size()));
    NationalCert cert{fields[0], fields[1], fields[2], fields[3]};
    if (!is_country(cert.country)) return error(fmt::format("bad country {:?} (ISO 3166-1 alpha-2)", cert.country));
    if (!is_id(cert.id)) return error(fmt::format("bad id {:?} (lower-case letters, digits and '-')", cert.id));
    if (cert.name.empty() || cert.name.size() > 200) return error("the name must be 1 to 200 characters");
    if (auto address = mail::MailAddress::parse(cert.email); !address) {
      return error(fmt::format("bad address {:?}: {}", cert.email, address.error().message));
    }
    if (directory.by_country_.count(cert.country) != 0) return error(fmt::format("{} is listed twice", cert.country));
    if (!ids.insert(cert.id).second) return error(fmt::format("id {:?} is used twice", cert.id));
    if (directory.by_country_.size() == kMaxEntries) return error(fmt::format("more than {} entries", kMaxEntries));
    directory.by_country_.emplace(cert.country, std::move(cert));
  }
  if (!header_seen) return make_input_error(fmt::format("{}: no header line \"country,id,name,email\"", file));
  return directory;
}

Result<NationalCertDirectory> NationalCertDirectory::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("{}: cannot read the national CERT file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Result<NationalCertDirectory> NationalCertDirectory::load_embedded() {
  return parse(embedded::campaigns_national_certs_csv, "campaigns/national-certs.csv");
}

const NationalCert* NationalCertDirectory::find(std::string_view country) const {
  const auto it = by_country_.find(country);
  return it == by_country_.end() ? nullptr : &it->second;
}

}  // namespace fumidai::campaigns
