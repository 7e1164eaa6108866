#pragma once
// A PCRE2 regular expression, compiled (and JIT-compiled where the platform
// allows) once at load, matched many times against untrusted text.
//
// Contract:
// - Pattern is immutable after compile() and may be matched from many threads
//   at once; each thread brings its own MatchScratch (not shareable).
// - Every match runs under PCRE2's match and depth limits, so a pattern with
//   catastrophic backtracking ends with MatchOutcome::limit_exceeded, never a hang.
// - Captures are string_views into the subject: valid while the subject is.
// - Subjects are bytes; no UTF validity is required (patterns compile without
//   PCRE2_UTF, as Recog's Ruby patterns see bytes too).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::fingerprints {

struct PatternOptions {
  bool caseless = false;   // PCRE2_CASELESS
  bool dotall = false;     // PCRE2_DOTALL: '.' matches '\n' (Ruby's /m)
  bool multiline = false;  // PCRE2_MULTILINE: '^' and '$' at every line (Ruby's default)
  bool extended = false;   // PCRE2_EXTENDED: whitespace and # comments ignored
};

// Bounds on one match; defaults stop a pathological pattern within milliseconds.
struct MatchLimits {
  std::uint32_t match_limit = 200'000;
  std::uint32_t depth_limit = 10'000;
};

enum class MatchOutcome { matched, no_match, limit_exceeded, error };

class MatchScratch;

class Pattern {
 public:
  // An invalid pattern gives an input error with PCRE2's message and offset.
  static Result<Pattern> compile(std::string_view regex, PatternOptions options = {});

  // Captures: index 0 is the whole match; an unset group is nullopt.
  using Captures = std::vector<std::optional<std::string_view>>;

  // On `matched`, fills `captures` (when given) with capture_count()+1 entries.
  MatchOutcome match(std::string_view subject, MatchScratch& scratch, Captures* captures = nullptr) const;

  int capture_count() const;
  // Named groups as (name, group number), in number order.
  const std::vector<std::pair<std::string, int>>& named_groups() const;
  const std::string& source() const;
  bool jit_compiled() const;

  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;
  ~Pattern();

 private:
  struct Impl;
  explicit Pattern(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Per-thread match state: PCRE2 match data (sized for up to kMaxCaptures
// groups), a match context with the limits, and a JIT stack. Reused across
// matches; not thread-safe.
class MatchScratch {
 public:
  static constexpr int kMaxCaptures = 64;
  explicit MatchScratch(MatchLimits limits = {});
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  ~MatchScratch();

 private:
  friend class Pattern;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fumidai::fingerprints
