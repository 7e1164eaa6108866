#pragma once
// The national CERTs a campaign grouped by national CERT writes to, one per
// country (campaigns/national-certs.csv, or a file given with --certs-file).
// Contract: immutable after load; thread-safe.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::campaigns {

struct NationalCert {
  std::string country;  // ISO 3166-1 alpha-2
  std::string id;       // [a-z0-9-]+, the recipient key
  std::string name;
  std::string email;
};

class NationalCertDirectory {
 public:
  static constexpr std::size_t kMaxEntries = 300;

  // CSV with the header "country,id,name,email"; '#' lines are comments.
  // Every error names FILE:LINE.
  static Result<NationalCertDirectory> parse(std::string_view text, std::string_view file);
  static Result<NationalCertDirectory> load_file(const std::string& path);
  static Result<NationalCertDirectory> load_embedded();

  const NationalCert* find(std::string_view country) const;
  std::size_t size() const { return by_country_.size(); }

 private:
  std::map<std::string, NationalCert, std::less<>> by_country_;
};

}  // namespace fumidai::campaigns
