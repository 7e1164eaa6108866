#include "fumidai/fingerprints/FingerprintEngine.h"

#include <algorithm>

#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RecordFields.h"

namespace fumidai::fingerprints {
namespace {

void add_once(FieldSet& fields, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  const auto existing = fields.values(name);
  if (std::find(existing.begin(), existing.end(), value) == existing.end()) fields.add(name, value);
}

}  // namespace

boost::json::object FingerprintEngine::Statistics::to_json() const {
  boost::json::object by_source;
  for (const auto& [source, hits] : hits_by_source) by_source[source] = hits;
  return {{"records", records},
          {"fingerprinted", fingerprinted},
          {"by_source", std::move(by_source)},
          {"regex_limit_hits", limit_hits}};
}

FingerprintEngine::FingerprintEngine(std::vector<std::shared_ptr<const FingerprintSource>> sources,
                                     std::shared_ptr<const EolList> eol, std::shared_ptr<const LabelSet> labels)
    : sources_(std::move(sources)),
      eol_(std::move(eol)),
      labels_(std::move(labels)),
      source_hits_(std::make_unique<std::atomic<std::uint64_t>[]>(sources_.size())) {}

std::vector<Fingerprint> FingerprintEngine::fingerprint(const FieldSet& fields, MatchScratch& scratch) const {
  std::vector<Fingerprint> found;
  std::uint64_t limit_hits = 0;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const std::size_t before = found.size();
    sources_[i]->match(fields, scratch, found, limit_hits);
    if (found.size() > before) source_hits_[i].fetch_add(found.size() - before, std::memory_order_relaxed);
  }
  if (eol_)
    for (Fingerprint& f : found) eol_->annotate(f, scratch);
  records_.fetch_add(1, std::memory_order_relaxed);
  if (!found.empty()) fingerprinted_.fetch_add(1, std::memory_order_relaxed);
  if (limit_hits > 0) limit_hits_.fetch_add(limit_hits, std::memory_order_relaxed);
  return found;
}

boost::json::array FingerprintEngine::label(FieldSet& fields, std::span<const Fingerprint> own, const FieldSet& host,
                                            MatchScratch& scratch) const {
  boost::json::array out;
  if (!labels_) return out;
  add_fingerprint_fields(fields, "fp.", own);
  for (const auto& [name, values] : host.entries())
    for (const std::string& value : values) fields.add(name, value);
  for (const Label* l : labels_->evaluate(fields, scratch))
    out.emplace_back(boost::json::object{{"id", l->id}, {"severity", l->severity}});
  return out;
}

FingerprintEngine::Annotation FingerprintEngine::annotate(FieldSet& fields, MatchScratch& scratch) const {
  const std::vector<Fingerprint> found = fingerprint(fields, scratch);
  FieldSet host;
  add_fingerprint_fields(host, "host.fp.", found);
  Annotation a;
  a.labels = label(fields, found, host, scratch);
  a.fingerprints = fingerprints_json(found);
  return a;
}

void FingerprintEngine::annotate(boost::json::object& record, MatchScratch& scratch) const {
  FieldSet fields = record_fields(record);
  Annotation a = annotate(fields, scratch);
  record["fingerprints"] = std::move(a.fingerprints);
  record["labels"] = std::move(a.labels);
}

FingerprintEngine::Statistics FingerprintEngine::statistics() const {
  Statistics s;
  s.records = records_.load(std::memory_order_relaxed);
  s.fingerprinted = fingerprinted_.load(std::memory_order_relaxed);
  s.limit_hits = limit_hits_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < sources_.size(); ++i)
    s.hits_by_source.emplace_back(std::string(sources_[i]->name()), source_hits_[i].load(std::memory_order_relaxed));
  return s;
}

void add_fingerprint_fields(FieldSet& fields, std::string_view prefix, std::span<const Fingerprint> fingerprints) {
  const std::string p(prefix);
  for (const Fingerprint& f : fingerprints) {
    add_once(fields, p + "id", f.id);
    add_once(fields, p + "category", f.category);
    add_once(fields, p + "vendor", f.vendor);
    add_once(fields, p + "product", f.product);
    add_once(fields, p + "device", f.device);
    for (const std::string& tag : f.tags) add_once(fields, p + "tags", tag);
    if (!f.eol_date.empty()) add_once(fields, p + "eol", "true");
  }
}

boost::json::array fingerprints_json(std::span<const Fingerprint> fingerprints) {
  boost::json::array out;
  out.reserve(fingerprints.size());
  for (const Fingerprint& f : fingerprints) out.emplace_back(f.to_json());
  return out;
}

}  // namespace fumidai::fingerprints
