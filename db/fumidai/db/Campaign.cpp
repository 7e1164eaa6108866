#include "fumidai/db/Campaign.h"

#include <array>
#include <utility>

namespace fumidai::db {
namespace {

// The names as the tables' CHECKs and the API spell them.
constexpr std::array<std::pair<CampaignGrouping, std::string_view>, 3> kGroupings{{
    {CampaignGrouping::abuse_contact, "abuse-contact"},
    {CampaignGrouping::org, "org"},
    {CampaignGrouping::national_cert, "national-cert"},
}};
constexpr std::array<std::pair<CampaignArm, std::string_view>, 3> kArms{{
    {CampaignArm::treatment, "treatment"},
    {CampaignArm::control, "control"},
    {CampaignArm::unresolved, "unresolved"},
}};
constexpr std::array<std::pair<MailState, std::string_view>, 5> kMailStates{{
    {MailState::queued, "queued"},
    {MailState::sent, "sent"},
    {MailState::failed, "failed"},
    {MailState::bounced, "bounced"},
    {MailState::acknowledged, "acknowledged"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return {};
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(CampaignGrouping grouping) { return name_of(kGroupings, grouping); }
std::string_view to_string(CampaignArm arm) { return name_of(kArms, arm); }
std::string_view to_string(MailState state) { return name_of(kMailStates, state); }
std::optional<CampaignGrouping> parse_grouping(std::string_view text) { return value_of(kGroupings, text); }
std::optional<CampaignArm> parse_arm(std::string_view text) { return value_of(kArms, text); }
std::optional<MailState> parse_mail_state(std::string_view text) { return value_of(kMailStates, text); }

}  // namespace fumidai::db
