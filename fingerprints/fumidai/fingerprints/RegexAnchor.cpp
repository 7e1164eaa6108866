#include "fumidai/fingerprints/RegexAnchor.h"

#include <optional>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Hex.h"
#include "fumidai/fingerprints/Anchor.h"

namespace fumidai::fingerprints {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

class Scanner {
 public:
  explicit Scanner(std::string_view p) : p_(p) {}

  std::string run() {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '|') return {};  // top-level alternation: no single required literal
      if (c == '\\') {
        if (!escape()) return {};
      } else if (c == '(') {
        if (!group()) return {};
      } else if (c == '[') {
        end_run();
        if (!skip_class()) return {};
        skip_quantifier();
      } else if (c == '.' || c == '^' || c == '$') {
        end_run();
        ++i_;
        skip_quantifier();
      } else if (c == '*' || c == '+' || c == '?' || quantifier_length(i_) > 0) {
        quantified();
      } else {
        run_ += c;
        ++i_;
      }
    }
    end_run();
    std::string out;
    for (const char c : best_) out += ascii_lower(c);
    if (out.size() < Anchor::kMinRegexBytes) return {};
    if (out.size() > Anchor::kMaxBytes) out.resize(Anchor::kMaxBytes);
    return out;
  }

 private:
  // Length of a {n}, {n,} or {n,m} quantifier at `at`, or 0 (then '{' is a
  // literal, as PCRE2 reads it).
  std::size_t quantifier_length(std::size_t at) const {
    if (at >= p_.size() || p_[at] != '{') return 0;
    std::size_t j = at + 1;
    const std::size_t digits_start = j;
    while (j < p_.size() && digit(p_[j])) ++j;
    const bool has_min = j > digits_start;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && digit(p_[j])) ++j;
    }
    if (!has_min || j >= p_.size() || p_[j] != '}') return 0;
    return j + 1 - at;
  }

  // The minimum count of the quantifier at i_ (after an atom); moves past it
  // and its lazy/possessive suffix. nullopt when there is none.
  std::optional<unsigned> take_quantifier() {
    if (i_ >= p_.size()) return std::nullopt;
    unsigned min = 0;
    const char c = p_[i_];
    if (c == '*' || c == '?') {
      ++i_;
    } else if (c == '+') {
      min = 1;
      ++i_;
    } else if (const std::size_t n = quantifier_length(i_); n > 0) {
      std::size_t j = i_ + 1;
      while (p_[j] == '0') ++j;
      min = digit(p_[j]) ? 1 : 0;  // any non-zero digit left: at least one
      i_ += n;
    } else {
      return std::nullopt;
    }
    if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+')) ++i_;
    return min;
  }

  void skip_quantifier() { take_quantifier(); }

  // A quantifier applies to the run's last byte. With a minimum of one the
  // byte is still required, and its last copy starts what follows; otherwise
  // it may be absent.
  void quantified() {
    const auto min = take_quantifier();
    if (!min) {  // a quantifier with nothing before it: PCRE2 refuses those
      end_run();
      ++i_;
      return;
    }
    if (run_.empty()) return;
    const char last = run_.back();
    if (*min == 0) run_.pop_back();
    end_run();
    if (*min > 0) run_ = last;
  }

  // One escape sequence at i_. A literal byte joins the run (a quantifier
  // after it is read by the caller); anything else ends the run. False: give
  // up on the pattern.
  bool escape() {
    if (i_ + 1 >= p_.size()) return false;
    const char e = p_[i_ + 1];
    i_ += 2;
    std::optional<char> literal;
    switch (e) {
      case 'n':
        literal = '\n';
        break;
      case 'r':
        literal = '\r';
        break;
      case 't':
        literal = '\t';
        break;
      case 'f':
        literal = '\f';
        break;
      case 'e':
        literal = '\x1b';
        break;
      case 'a':
        literal = '\x07';
        break;
      case 'Q':
        return false;  // \Q…\E quoting: rare, not worth reading
      case 'x': {
        if (i_ < p_.size() && p_[i_] == '{') break;  // \x{…}: a code point, skipped below
        // \xHH takes up to two hex digits ("\xA" is 0x0A); bare "\x" is NUL.
        int value = 0;
        for (int n = 0; n < 2 && i_ < p_.size() && hex_digit_value(p_[i_]) >= 0; ++n)
          value = value * 16 + hex_digit_value(p_[i_++]);
        literal = static_cast<char>(value);
        break;
      }
      default:
        if (!alnum(e)) literal = e;  // an escaped punctuation byte is that byte
        break;
    }
    if (literal) {
      run_ += *literal;
      return true;
    }
    skip_escape_argument(e);
    end_run();
    skip_quantifier();
    return true;
  }

  // What some escapes take after their letter: \cX, \p{…}/\pL, \k<name>,
  // \g{…}/\g-1, \x{…}, \o{…}, \N{…}, the digits of \1 or \012. Skipping a
  // byte too many only loses an anchor; one too few would invent one.
  void skip_escape_argument(char e) {
    const auto skip_to = [this](char close) {
      const std::size_t end = p_.find(close, i_ + 1);
      i_ = end == std::string_view::npos ? p_.size() : end + 1;
    };
    const char next = i_ < p_.size() ? p_[i_] : '\0';
    if (next == '{') {
      skip_to('}');
    } else if (e == 'c' || e == 'p' || e == 'P') {
      if (i_ < p_.size()) ++i_;
    } else if ((e == 'k' || e == 'g') && next == '<') {
      skip_to('>');
    } else if ((e == 'k' || e == 'g') && next == '\'') {
      skip_to('\'');
    } else if (e == 'g' || digit(e)) {
      if (e == 'g' && (next == '-' || next == '+')) ++i_;
      while (i_ < p_.size() && digit(p_[i_])) ++i_;
    }
  }

  // A group at i_: an option setting such as (?i) is read (extended mode
  // gives up); every other group is skipped whole, with its quantifier.
  bool group() {
    end_run();
    if (p_.substr(i_).starts_with("(?")) {
      std::size_t j = i_ + 2;
      bool options = true;
      bool extended = false;
      while (j < p_.size() && p_[j] != ')') {
        const char c = p_[j];
        if (c == 'x') extended = true;
        if (!(alnum(c) || c == '-' || c == '^')) {
          options = false;
          break;
        }
        ++j;
      }
      if (options && j < p_.size() && j > i_ + 2) {
        if (extended) return false;
        i_ = j + 1;
        return true;
      }
    }
    int depth = 0;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\\') {
        if (p_.substr(i_).starts_with("\\Q")) return false;
        i_ += 2;
        continue;
      }
      if (c == '[') {
        if (!skip_class()) return false;
        continue;
      }
      ++i_;
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) break;
    }
    if (depth != 0) return false;
    skip_quantifier();
    return true;
  }

  // A character class at i_, including a leading ']' or '^]' and POSIX
  // [:name:] inside it.
  bool skip_class() {
    std::size_t j = i_ + 1;
    if (j < p_.size() && p_[j] == '^') ++j;
    if (j < p_.size() && p_[j] == ']') ++j;
    while (j < p_.size() && p_[j] != ']') {
      if (p_[j] == '\\') {
        j += 2;
      } else if (p_.substr(j).starts_with("[:")) {
        const std::size_t end = p_.find(":]", j + 2);
        if (end == std::string_view::npos) return false;
        j = end + 2;
      } else {
        ++j;
      }
    }
    if (j >= p_.size()) return false;
    i_ = j + 1;
    return true;
  }

  void end_run() {
    if (run_.size() > best_.size()) best_ = run_;
    run_.clear();
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::string run_;
  std::string best_;
};

}  // namespace

std::string RegexAnchor::extract(std::string_view pattern) { return Scanner(pattern).run(); }

}  // namespace fumidai::fingerprints
