#include "fumidai/campaigns/CampaignPlanner.h"

#include <algorithm>
#include <tuple>

namespace fumidai::campaigns {
namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The most common value, ties to the smallest: stable whatever the order.
std::string most_common(const std::map<std::string, int>& counts) {
  std::string best;
  int best_count = 0;
  for (const auto& [value, count] : counts) {
    if (count > best_count) {
      best = value;
      best_count = count;
    }
  }
  return best;
}

struct Group {
  std::string name;  // when no organisation name decides it
  std::string email;
  bool resolved = false;
  std::map<std::string, int> org_names;
  std::map<std::string, int> emails;
  std::vector<db::ExposureItem> exposures;
};

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return text;
}

}  // namespace

double arm_draw(std::uint64_t seed, std::string_view key) {
  return static_cast<double>(splitmix64(seed ^ fnv1a(key)) >> 11) * 0x1.0p-53;
}

std::vector<db::NewRecipient> plan_recipients(PlanInput input, const NationalCertDirectory& certs) {
  // (resolved first, key) -> group
  std::map<std::pair<bool, std::string>, Group> groups;
  for (auto& item : input.exposures) {
    const auto contact = input.contacts.find(item.ip);
    const std::string email = contact == input.contacts.end() ? std::string() : lowered(contact->second);
    std::string key;
    Group proto;
    switch (input.grouping) {
      case db::CampaignGrouping::abuse_contact:
        key = email.empty() ? (item.org_id.empty() ? std::string() : "org:" + item.org_id) : email;
        proto.resolved = !email.empty();
        proto.email = email;
        proto.name = email.empty() ? (item.org_name.empty() ? "no organisation" : item.org_name) : email;
        break;
      case db::CampaignGrouping::org:
        key = item.org_id.empty() ? std::string() : item.org_id;
        proto.name = item.org_id.empty() ? "no organisation" : item.org_id;
        proto.resolved = !item.org_id.empty();  // decided below: it needs an address too
        break;
      case db::CampaignGrouping::national_cert:
        if (const auto* cert = certs.find(item.country)) {
          key = cert->id;
          proto.name = cert->name;
          proto.email = cert->email;
          proto.resolved = true;
        } else {
          key = item.country.empty() ? std::string() : "country:" + item.country;
          proto.name = item.country.empty() ? "no country" : "no national CERT for " + item.country;
        }
        break;
    }
    auto [it, inserted] = groups.try_emplace({!proto.resolved, key}, std::move(proto));
    Group& group = it->second;
    if (!item.org_name.empty()) ++group.org_names[item.org_name];
    if (!email.empty()) ++group.emails[email];
    group.exposures.push_back(std::move(item));
  }

  std::vector<db::NewRecipient> resolved, unresolved;
  for (auto& [position, group] : groups) {
    db::NewRecipient r;
    r.key = position.second;
    switch (input.grouping) {
      case db::CampaignGrouping::abuse_contact:
        r.name = group.org_names.empty() ? group.name : most_common(group.org_names);
        r.email = group.email;
        break;
      case db::CampaignGrouping::org:
        r.name = group.org_names.empty() ? group.name : most_common(group.org_names);
        r.email = group.resolved ? most_common(group.emails) : std::string();
        break;
      case db::CampaignGrouping::national_cert:
        r.name = group.name;
        r.email = group.email;
        break;
    }
    r.exposures = std::move(group.exposures);
    if (r.email.empty()) {
      r.arm = db::CampaignArm::unresolved;
      unresolved.push_back(std::move(r));
      continue;
    }
    r.draw = arm_draw(input.seed, r.key);
    r.arm = r.draw < input.control_fraction ? db::CampaignArm::control : db::CampaignArm::treatment;
    resolved.push_back(std::move(r));
  }
  resolved.insert(resolved.end(), std::make_move_iterator(unresolved.begin()),
                  std::make_move_iterator(unresolved.end()));
  return resolved;
}

}  // namespace fumidai::campaigns
