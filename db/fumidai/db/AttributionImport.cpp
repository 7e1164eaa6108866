#include "fumidai/db/AttributionImport.h"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "fumidai/db/AbuseLineParser.h"
#include "fumidai/db/As2OrgLineParser.h"
#include "fumidai/db/AttributionFields.h"
#include "fumidai/db/CopyBatch.h"
#include "fumidai/db/DelegatedLineParser.h"
#include "fumidai/db/GeoLite2AsnLineParser.h"
#include "fumidai/db/LineReader.h"
#include "fumidai/db/Pfx2asLineParser.h"

namespace fumidai::db {
namespace {

// Imports take this lock for their whole transaction, so the check for an
// identical earlier import cannot race another import of the same file.
constexpr long long kImportLock = 0x66756d6964616932;  // "fumidai2"

Result<std::string> files_sha256(const std::vector<std::string>& files) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return make_error("SHA-256: cannot initialise");
  }
  std::vector<char> chunk(1 << 20);
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return make_input_error(fmt::format("{}: cannot open", file));
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      EVP_DigestUpdate(context.get(), chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return make_input_error(fmt::format("{}: read error", file));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

struct Tally {
  std::int64_t skipped = 0;
  std::vector<std::string> first_skipped;
};

// Where a record came from, for messages about records that clash.
struct Position {
  const std::string* file = nullptr;
  std::uint64_t line = 0;
  std::string text() const { return fmt::format("{}:{}", *file, line); }
};

// Reads every line of every file through a fresh Parser per file and hands
// each record to `store` (which may refuse it). A refused or unparsable line
// aborts with "FILE:LINE: reason", or with skip_bad is counted and passed
// over. Unreadable files abort either way.
template <class Parser, class Store>
Result<> read_files(const AttributionImportRequest& request, Tally& tally, Store&& store) {
  for (const auto& file : request.files) {
    auto reader = LineReader::open(file, max_attribution_line);
    if (!reader) return reader.error();
    Parser parser;
    for (;;) {
      auto line = reader->next();
      if (!line) return line.error();
      if (!*line) break;
      const Position position{&file, reader->line_number()};
      Result<> stored = [&]() -> Result<> {
        if ((*line)->too_long) return make_input_error(fmt::format("line longer than {} bytes", max_attribution_line));
        auto record = parser.parse((*line)->text);
        if (!record) return record.error();
        if (!*record) return {};
        return store(std::move(**record), position);
      }();
      if (stored) continue;
      std::string message = fmt::format("{}: {}", position.text(), stored.error().message);
      if (!request.skip_bad) return make_input_error(std::move(message));
      ++tally.skipped;
      if (tally.first_skipped.size() < max_reported_bad_lines) tally.first_skipped.push_back(std::move(message));
    }
  }
  return {};
}

std::string asn_array(const std::vector<std::int64_t>& asns) {
  std::string out = "{";
  for (std::size_t i = 0; i < asns.size(); ++i) out += fmt::format("{}{}", i == 0 ? "" : ",", asns[i]);
  return out + "}";
}

NullableText optional_date(const std::optional<std::chrono::year_month_day>& date) {
  return date ? NullableText{format_date(*date)} : NullableText{};
}

NullableText optional_text(std::string text) {
  return text.empty() ? NullableText{} : NullableText{std::move(text)};
}

// Reads the request's files into the kind's tables; returns the rows stored.
Result<std::int64_t> copy_records(pqxx::transaction_base& tx, const AttributionImportRequest& request,
                                  std::int64_t import_id, Tally& tally) {
  const std::string id = std::to_string(import_id);
  switch (request.kind) {
    case AttributionKind::pfx2as:
    case AttributionKind::geolite2_asn: {
      CopyBatch<std::string, std::string, std::string, std::string, NullableText> origins(
          "prefix_origins", {"import_id", "prefix", "asn", "asns", "as_name"});
      const auto add = [&](const IpPrefix& prefix, const std::vector<std::int64_t>& asns, std::string name) {
        origins.add(tx, {id, format_prefix(prefix), std::to_string(asns.front()), asn_array(asns),
                         optional_text(std::move(name))});
      };
      Result<> read = request.kind == AttributionKind::pfx2as
                          ? read_files<Pfx2asLineParser>(request, tally,
                                                         [&](Pfx2asRow row, const Position&) -> Result<> {
                                                           add(row.prefix, row.asns, {});
                                                           return {};
                                                         })
                          : read_files<GeoLite2AsnLineParser>(request, tally,
                                                              [&](GeoLite2AsnRow row, const Position&) -> Result<> {
                                                                add(row.network, {row.asn},
                                                                    std::move(row.organization));
                                                                return {};
                                                              });
      if (!read) return read.error();
      origins.flush(tx);
      return origins.rows();
    }
    case AttributionKind::as2org: {
      CopyBatch<std::string, std::string, std::string, NullableText, std::string, NullableText> organizations(
          "organizations", {"import_id", "org_id", "name", "country", "source", "changed"});
      CopyBatch<std::string, std::string, NullableText, std::string, std::string, NullableText> as_orgs(
          "as_orgs", {"import_id", "asn", "as_name", "org_id", "source", "changed"});
      // Each is a primary key: a second entry is a bad line, not a failed COPY.
      boost::unordered_flat_map<std::string, Position> org_seen;
      boost::unordered_flat_map<std::int64_t, Position> as_seen;
      Result<> read = read_files<As2OrgLineParser>(
          request, tally, [&](As2OrgRecord record, const Position& position) -> Result<> {
            if (auto* org = std::get_if<As2OrgOrganization>(&record)) {
              if (const auto [at, fresh] = org_seen.try_emplace(org->org_id, position); !fresh) {
                return make_input_error(fmt::format("org_id {:?} again (first at {})", org->org_id, at->second.text()));
              }
              organizations.add(tx, {id, org->org_id, std::move(org->name), optional_text(std::move(org->country)),
                                     std::move(org->source), optional_date(org->changed)});
            } else {
              auto& as = std::get<As2OrgAs>(record);
              if (const auto [at, fresh] = as_seen.try_emplace(as.asn, position); !fresh) {
                return make_input_error(fmt::format("AS{} again (first at {})", as.asn, at->second.text()));
              }
              as_orgs.add(tx, {id, std::to_string(as.asn), optional_text(std::move(as.name)), std::move(as.org_id),
                               std::move(as.source), optional_date(as.changed)});
            }
            return {};
          });
      if (!read) return read.error();
      organizations.flush(tx);
      as_orgs.flush(tx);
      return organizations.rows() + as_orgs.rows();
    }
    case AttributionKind::delegated: {
      CopyBatch<std::string, std::string, std::string, std::string, std::string, NullableText> countries(
          "prefix_countries", {"import_id", "prefix", "country", "registry", "status", "assigned"});
      Result<> read =
          read_files<DelegatedLineParser>(request, tally, [&](DelegatedRow row, const Position&) -> Result<> {
            for (const auto& prefix : row.prefixes) {
              countries.add(tx, {id, format_prefix(prefix), row.country, row.registry, row.status,
                                 optional_date(row.date)});
            }
            return {};
          });
      if (!read) return read.error();
      countries.flush(tx);
      return countries.rows();
    }
    case AttributionKind::abuse: {
      CopyBatch<std::string, NullableText, NullableText, std::string, std::string, NullableText> contacts(
          "abuse_contacts", {"import_id", "prefix", "asn", "email", "source", "updated"});
      Result<> read = read_files<AbuseLineParser>(request, tally, [&](AbuseRow row, const Position&) -> Result<> {
        contacts.add(tx, {id, row.prefix ? NullableText{format_prefix(*row.prefix)} : NullableText{},
                          row.asn ? NullableText{std::to_string(*row.asn)} : NullableText{}, std::move(row.email),
                          std::move(row.source), optional_date(row.updated)});
        return {};
      });
      if (!read) return read.error();
      contacts.flush(tx);
      return contacts.rows();
    }
  }
  return make_error("unknown attribution kind");
}

std::string joined_sources(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& file : files) out += (out.empty() ? "" : ", ") + file;
  return out;
}

}  // namespace

Result<AttributionImportReport> import_attribution(Session& session, const AttributionImportRequest& request) {
  if (request.files.empty()) return make_input_error("no files to import");
  for (auto it = request.files.begin(); it != request.files.end(); ++it) {
    if (std::find(request.files.begin(), it, *it) != it) return make_input_error(fmt::format("{}: named twice", *it));
  }
  auto sha256 = files_sha256(request.files);
  if (!sha256) return sha256.error();
  const std::string kind(kind_name(request.kind));
  const std::string date = format_date(request.data_date);
  return guarded(fmt::format("importing {} from {}", kind, joined_sources(request.files)),
                 [&]() -> Result<AttributionImportReport> {
                   pqxx::work tx(session.connection(), "attribution import");
                   tx.exec_params("SELECT pg_advisory_xact_lock($1)", kImportLock);
                   AttributionImportReport report;
                   report.sha256 = *sha256;
                   const auto earlier = tx.exec_params(
                       "SELECT id, rows, skipped FROM attribution_imports "
                       "WHERE kind = $1 AND sha256 = $2 AND data_date = $3::date ORDER BY id LIMIT 1",
                       kind, *sha256, date);
                   if (!earlier.empty()) {
                     report.already_imported = true;
                     report.import_id = earlier[0][0].as<std::int64_t>();
                     report.rows = earlier[0][1].as<std::int64_t>();
                     report.skipped = earlier[0][2].as<std::int64_t>();
                     return report;  // the transaction rolls back: nothing was written
                   }
                   report.import_id = tx.exec_params1(
                                            "INSERT INTO attribution_imports (kind, source, sha256, data_date, rows) "
                                            "VALUES ($1, $2, $3, $4::date, 0) RETURNING id",
                                            kind, joined_sources(request.files), *sha256, date)[0]
                                          .as<std::int64_t>();
                   Tally tally;
                   auto rows = copy_records(tx, request, report.import_id, tally);
                   if (!rows) return rows.error();
                   if (*rows == 0) {
                     return make_input_error(fmt::format("{}: no {} records{}", joined_sources(request.files), kind,
                                                         tally.skipped > 0 ? " (every line was bad)" : ""));
                   }
                   tx.exec_params("UPDATE attribution_imports SET rows = $2, skipped = $3 WHERE id = $1",
                                  report.import_id, *rows, tally.skipped);
                   tx.commit();
                   report.rows = *rows;
                   report.skipped = tally.skipped;
                   report.first_skipped = std::move(tally.first_skipped);
                   return report;
                 });
}

Result<std::chrono::year_month_day> resolve_data_date(AttributionKind kind, const std::vector<std::string>& files,
                                                      std::optional<std::chrono::year_month_day> given) {
  if (given) return *given;
  std::optional<std::chrono::year_month_day> named;
  for (const auto& file : files) {
    const auto date = data_date_from_path(kind, file);
    if (!date) continue;
    if (named && *named != *date) {
      return make_input_error(fmt::format("the file names carry different dates ({} and {}): give --date",
                                          format_date(*named), format_date(*date)));
    }
    named = date;
  }
  if (named) return *named;
  std::optional<std::chrono::sys_days> newest;
  for (const auto& file : files) {
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(file, ec);
    if (ec) return make_input_error(fmt::format("{}: {}", file, ec.message()));
    const auto day = std::chrono::floor<std::chrono::days>(std::chrono::file_clock::to_sys(modified));
    if (!newest || day > *newest) newest = day;
  }
  if (!newest) return make_input_error("no files to import");
  return std::chrono::year_month_day(*newest);
}

Result<std::vector<AttributionImportInfo>> list_attribution_imports(Session& session, std::size_t limit) {
  return guarded("listing the attribution imports", [&] {
    pqxx::read_transaction tx(session.connection(), "attribution imports");
    const auto rows = tx.exec_params(
        "SELECT i.id, i.kind, i.source, i.sha256, i.data_date::text, "
        "to_char(i.imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), i.rows, i.skipped, "
        "c.id IS NOT NULL FROM attribution_imports i LEFT JOIN current_imports c ON c.id = i.id "
        "ORDER BY i.data_date DESC, i.id DESC LIMIT $1",
        static_cast<std::int64_t>(limit));
    std::vector<AttributionImportInfo> out;
    for (const auto& r : rows) {
      out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::int64_t>(),
                     r[7].as<std::int64_t>(), r[8].as<bool>()});
    }
    return out;
  });
}

}  // namespace fumidai::db
