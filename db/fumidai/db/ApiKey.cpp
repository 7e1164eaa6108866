#include "fumidai/db/ApiKey.h"

namespace fumidai::db {

std::string_view role_name(ApiRole role) {
  switch (role) {
    case ApiRole::admin:
      return "admin";
    case ApiRole::analyst:
      return "analyst";
    case ApiRole::researcher:
      return "researcher";
  }
  return "researcher";
}

std::optional<ApiRole> parse_role(std::string_view text) {
  if (text == "admin") return ApiRole::admin;
  if (text == "analyst") return ApiRole::analyst;
  if (text == "researcher") return ApiRole::researcher;
  return std::nullopt;
}

}  // namespace fumidai::db
