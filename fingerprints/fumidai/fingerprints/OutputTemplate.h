#pragma once
// A rule's output string (vendor, product, version, device, cpe) with {name}
// placeholders filled from the regex captures of a match. A '{' that does not
// start "{identifier}" is plain text.
//
// Contract: immutable after construction; render() is thread-safe.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fumidai::fingerprints {

// (name, value) pairs of one match; the first pair of a name counts.
using CaptureList = std::vector<std::pair<std::string_view, std::string_view>>;

class OutputTemplate {
 public:
  enum class Escape {
    none,
    cpe,  // a CPE 2.3 component: punctuation backslash-quoted, spaces as '_', empty as '*'
  };

  OutputTemplate() = default;
  explicit OutputTemplate(std::string_view text, Escape escape = Escape::none);

  bool empty() const { return parts_.empty(); }
  // The placeholder names, in order of appearance (repeats included).
  std::vector<std::string_view> names() const;
  // An absent capture renders as the empty string; a character the capture
  // cut at either end is left out.
  std::string render(const CaptureList& captures) const;

 private:
  struct Part {
    std::string text;
    bool placeholder = false;
  };
  std::vector<Part> parts_;
  Escape escape_ = Escape::none;
};

}  // namespace fumidai::fingerprints
