#include "fumidai/api/handlers/LinkPage.h"

#include <fmt/format.h>

namespace fumidai::api {
namespace {

ApiResponse html(unsigned status, std::string body) {
  ApiResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  // The token is in the URL: never cached, never sent on as a Referer; the
  // page runs no script and its form posts only here.
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
  return response;
}

std::string document(std::string_view title, std::string_view content) {
  return fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{0}</title></head>\n"
      "<body><h1>{0}</h1>\n{1}</body></html>\n",
      LinkPage::escape(title), content);
}

}  // namespace

bool LinkPage::valid_token(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return false;
  for (const char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

ApiResponse LinkPage::form(std::string_view title, std::string_view text, std::string_view action,
                           std::string_view button) {
  return html(200, document(title, fmt::format("<p>{}</p>\n<form method=\"post\" action=\"{}\">"
                                               "<button type=\"submit\">{}</button></form>\n",
                                               escape(text), escape(action), escape(button))));
}

ApiResponse LinkPage::page(unsigned status, std::string_view title, std::string_view text) {
  return html(status, document(title, fmt::format("<p>{}</p>\n", escape(text))));
}

bool LinkPage::from_form(const ApiRequest& request) {
  const std::string_view type = request.content_type;
  return type.starts_with("application/x-www-form-urlencoded") || type.starts_with("multipart/form-data");
}

std::string LinkPage::escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace fumidai::api
