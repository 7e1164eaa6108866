#pragma once
// The pages behind the links mailed out (a letter's acknowledgement link, an
// opt-out's confirmation link). A GET only shows a page with a form: mail
// scanners fetch links on their own, so a GET must never change anything;
// the form's POST does. A POST from the form is answered with a page, any
// other POST (an API client) with JSON.
// Contract: stateless functions; thread-safe.
#include <string>
#include <string_view>

#include "fumidai/api/ApiRequest.h"
#include "fumidai/api/ApiResponse.h"

namespace fumidai::api {

class LinkPage {
 public:
  static constexpr std::size_t kMaxTokenLength = 128;
  // Tokens are URL-safe base64 or hex: anything else is no token of ours.
  static bool valid_token(std::string_view token);
  // A page whose one button POSTs to `action`, a path of this server.
  static ApiResponse form(std::string_view title, std::string_view text, std::string_view action,
                          std::string_view button);
  static ApiResponse page(unsigned status, std::string_view title, std::string_view text);
  // Whether a POST came from the page's form (an HTML form's media type).
  static bool from_form(const ApiRequest& request);
  static std::string escape(std::string_view text);
};

}  // namespace fumidai::api
