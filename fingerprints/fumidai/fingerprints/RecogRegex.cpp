#include "fumidai/fingerprints/RecogRegex.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "fumidai/core/Hex.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::fingerprints {

namespace {

constexpr std::size_t kNone = std::string::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string utf8_bytes(std::uint32_t cp) {
  std::string out;
  scanner::append_utf8(cp, out);
  return out;
}

// Bytes as \xHH escapes: literal in PCRE2 whatever they are.
std::string escaped_bytes(std::string_view bytes) {
  std::string out;
  for (const char b : bytes) out += fmt::format("\\x{:02X}", static_cast<unsigned char>(b));
  return out;
}

// The length of the UTF-8 character at `i`; 1 for a byte that does not start
// a well-formed one (it then stands for itself, as in a binary Ruby string).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  const std::size_t n = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1;
  if (n == 1 || i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

// Whether the pattern names a group, which in Ruby stops plain groups from
// capturing. Escapes and classes are skipped so "\(?<" and "[(?<]" do not count.
bool names_a_group(std::string_view p) {
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (in_class) {
      in_class = p[i] != ']';
    } else if (p[i] == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == ']') ++i;  // a leading ']' is literal
    } else if (p.substr(i).starts_with("(?'")) {
      return true;
    } else if (p.substr(i).starts_with("(?<") && i + 3 < p.size() && p[i + 3] != '=' && p[i + 3] != '!') {
      return true;
    }
  }
  return false;
}

class Translator {
 public:
  explicit Translator(std::string_view in) : in_(in), named_(names_a_group(in)) {}

  Result<void> run() {
    while (i_ < in_.size()) {
      const char c = in_[i_];
      Result<void> step;
      if (c == '\\')
        step = escape();
      else if (c == '[')
        step = char_class();
      else if (c == '(')
        step = group_open();
      else if (c == ')')
        group_close();
      else if (c == '*' || c == '+' || c == '?')
        quantifier(std::string(1, c), 1);
      else if (c == '{')
        interval();
      else if (c == '.')
        dot();
      else
        literal();
      if (!step) return step;
    }
    return {};
  }

  std::string out;
  std::vector<std::string> notes;

 private:
  Error refuse(std::string_view what) const {
    return make_input_error(fmt::format("Ruby regex syntax PCRE2 cannot express at offset {}: {}", i_, what));
  }

  void note_once(const std::string& note) {
    for (const auto& n : notes)
      if (n == note) return;
    notes.push_back(note);
  }

  void begin_atom(bool multibyte) {
    atom_begin_ = out.size();
    atom_multibyte_ = multibyte;
  }

  // A quantifier repeats the whole atom before it: a multi-byte character's
  // bytes are grouped first (Ruby repeats characters, PCRE2 here bytes).
  void quantifier(const std::string& text, std::size_t consumed) {
    if (atom_multibyte_ && atom_begin_ != kNone) {
      out.insert(atom_begin_, "(?:");
      out += ')';
    }
    out += star_as_optional_ && text == "*" ? "?" : text;
    star_as_optional_ = false;
    i_ += consumed;
    atom_multibyte_ = false;
  }

  // {n} {n,} {n,m} {,n}; anything else is a literal '{' in both dialects.
  void interval() {
    std::size_t j = i_ + 1;
    const std::size_t min_begin = j;
    while (j < in_.size() && is_digit(in_[j])) ++j;
    const std::string_view min = in_.substr(min_begin, j - min_begin);
    std::string_view max;
    bool comma = false;
    if (j < in_.size() && in_[j] == ',') {
      comma = true;
      const std::size_t max_begin = ++j;
      while (j < in_.size() && is_digit(in_[j])) ++j;
      max = in_.substr(max_begin, j - max_begin);
    }
    if (j >= in_.size() || in_[j] != '}' || (min.empty() && max.empty())) {
      literal();
      return;
    }
    const std::size_t quantified = atom_begin_;
    quantifier(fmt::format("{{{}{}{}}}", min.empty() ? "0" : min, comma ? "," : "", max), j + 1 - i_);
    // Ruby has no possessive intervals: "{n}+" repeats the repetition.
    if (i_ < in_.size() && in_[i_] == '+' && quantified != kNone) {
      out.insert(quantified, "(?:");
      out += ')';
      atom_begin_ = quantified;
    }
  }

  // Ruby's '.' takes one character of a UTF-8 string: here a well-formed
  // UTF-8 sequence, or else one byte (binary data, where Ruby takes bytes).
  // As the byte alternative stays open to backtracking, everything a
  // byte-wise '.' matches still matches. ".*" and ".+" are left alone: over
  // text that the rest of the pattern anchors on character boundaries they
  // match the same, and they are the patterns' hot path. So is ".{n,m}":
  // PCRE2 would copy the group m times (".{0,512}" is too large to compile).
  void dot() {
    begin_atom(false);
    const char next = i_ + 1 < in_.size() ? in_[i_ + 1] : '\0';
    if (next == '*' || next == '+' || next == '{') {
      out += '.';
    } else {
      out += "(?:[\\xC2-\\xDF][\\x80-\\xBF]|[\\xE0-\\xEF][\\x80-\\xBF]{2}|[\\xF0-\\xF4][\\x80-\\xBF]{3}|.)";
    }
    ++i_;
  }

  void literal() {
    const std::size_t n = utf8_length(in_, i_);
    begin_atom(n > 1);
    out.append(in_.substr(i_, n));
    i_ += n;
  }

  void group_close() {
    out += ')';
    ++i_;
    atom_begin_ = kNone;
    if (!groups_.empty()) {
      atom_begin_ = groups_.back().out_begin;
      const std::size_t content = groups_.back().in_content;
      if (content != kNone) {
        // (X+)* with X one character: the same strings and the same capture
        // as (X+)?, without exponential backtracking.
        const std::string_view inner = in_.substr(content, i_ - 1 - content);
        const bool greedy_star =
            i_ < in_.size() && in_[i_] == '*' && (i_ + 1 >= in_.size() || (in_[i_ + 1] != '?' && in_[i_ + 1] != '+'));
        star_as_optional_ = greedy_star && is_one_character_plus(inner);
      }
      groups_.pop_back();
    }
    atom_multibyte_ = false;
  }

  // "X+" where X matches exactly one character: '.', a class escape, or a
  // [...] class.
  static bool is_one_character_plus(std::string_view inner) {
    if (inner.size() < 2 || inner.back() != '+') return false;
    const std::string_view x = inner.substr(0, inner.size() - 1);
    if (x == ".") return true;
    if (x.size() == 2 && x[0] == '\\') return std::string_view("dDsSwWhH").find(x[1]) != std::string_view::npos;
    if (x.size() < 3 || x.front() != '[' || x.back() != ']') return false;
    std::size_t k = x[1] == '^' ? 2 : 1;
    if (x[k] == ']') ++k;  // a leading ']' is literal
    for (; k + 1 < x.size(); ++k) {
      if (x[k] == '[' || x[k] == ']') return false;
      if (x[k] == '\\') ++k;
    }
    return k + 1 == x.size();
  }

  Result<void> group_open() {
    groups_.push_back({out.size(), kNone});
    atom_begin_ = kNone;
    const std::string_view rest = in_.substr(i_);
    if (!rest.starts_with("(?") || rest.starts_with("(?:")) {
      const bool plain = !rest.starts_with("(?");
      out += named_ || !plain ? "(?:" : "(";
      i_ += plain ? 1 : 3;
      groups_.back().in_content = i_;
      return {};
    }
    if (rest.starts_with("(?~")) return refuse("the absence operator (?~...)");
    if (rest.starts_with("(?#")) {
      const std::size_t end = in_.find(')', i_);
      const std::size_t stop = end == std::string_view::npos ? in_.size() : end + 1;
      out.append(in_.substr(i_, stop - i_));
      i_ = stop;
      groups_.pop_back();  // a comment is no group
      return {};
    }
    // Option settings: Ruby's m is PCRE2's s.
    std::size_t j = i_ + 2;
    while (j < in_.size() && (in_[j] == 'i' || in_[j] == 'm' || in_[j] == 'x' || in_[j] == '-')) ++j;
    if (j > i_ + 2 && j < in_.size() && (in_[j] == ')' || in_[j] == ':')) {
      std::string options(in_.substr(i_ + 2, j - i_ - 2));
      for (char& o : options)
        if (o == 'm') o = 's';
      out += "(?" + options + in_[j];
      if (in_[j] == ')') groups_.pop_back();  // sets options, opens nothing
      i_ = j + 1;
      return {};
    }
    out += "(?";
    i_ += 2;
    return {};
  }

  // \uHHHH or \u{H...}: the code point, or nothing when malformed.
  std::optional<std::uint32_t> code_point() {
    std::size_t j = i_ + 2;
    std::uint32_t cp = 0;
    if (j < in_.size() && in_[j] == '{') {
      std::size_t digits = 0;
      for (++j; j < in_.size() && hex_digit_value(in_[j]) >= 0 && digits < 6; ++j, ++digits)
        cp = cp * 16 + hex_digit_value(in_[j]);
      if (digits == 0 || j >= in_.size() || in_[j] != '}' || cp > 0x10FFFF) return std::nullopt;
      i_ = j + 1;
      return cp;
    }
    for (int k = 0; k < 4; ++k, ++j) {
      if (j >= in_.size() || hex_digit_value(in_[j]) < 0) return std::nullopt;
      cp = cp * 16 + hex_digit_value(in_[j]);
    }
    i_ = j;
    return cp;
  }

  Result<void> escape() {
    if (i_ + 1 >= in_.size()) {
      literal();  // a trailing backslash: PCRE2 reports it
      return {};
    }
    const char e = in_[i_ + 1];
    begin_atom(false);
    switch (e) {
      case 'h':
        out += "[0-9a-fA-F]";
        i_ += 2;
        return {};
      case 'H':
        out += "[^0-9a-fA-F]";
        i_ += 2;
        return {};
      case 'v':
        out += "\\x0B";
        i_ += 2;
        return {};
      case 'u': {
        const auto cp = code_point();
        if (!cp) return refuse("malformed \\u escape");
        const std::string bytes = utf8_bytes(*cp);
        atom_multibyte_ = bytes.size() > 1;
        out += escaped_bytes(bytes);
        return {};
      }
      case 'M':
      case 'C':
        if (i_ + 2 < in_.size() && in_[i_ + 2] == '-') return refuse("the \\M- and \\C- escapes");
        break;
      case 'p':
      case 'P':
        note_once("\\p{...} tests the Unicode property of single bytes here, of characters in Ruby");
        break;
      default:
        break;
    }
    if (static_cast<unsigned char>(e) >= 0x80) {
      ++i_;  // an escaped non-ASCII character is that character
      literal();
      return {};
    }
    const std::size_t n = escape_length();
    out.append(in_.substr(i_, n));
    i_ += n;
    return {};
  }

  // The bytes of the escape at i_ that form one atom: \xHH, \12, \p{L},
  // \k<name>, \cX, or a backslash and one character.
  std::size_t escape_length() const {
    const char e = in_[i_ + 1];
    std::size_t n = 2;
    auto through = [&](char close) {
      const std::size_t end = in_.find(close, i_ + 3);
      return end == std::string_view::npos ? n : end + 1 - i_;
    };
    if (e == 'x') {
      while (n < 4 && i_ + n < in_.size() && hex_digit_value(in_[i_ + n]) >= 0) ++n;
    } else if (is_digit(e)) {
      while (n < 4 && i_ + n < in_.size() && is_digit(in_[i_ + n])) ++n;
    } else if ((e == 'p' || e == 'P') && i_ + 2 < in_.size() && in_[i_ + 2] == '{') {
      n = through('}');
    } else if ((e == 'k' || e == 'g') && i_ + 2 < in_.size() && (in_[i_ + 2] == '<' || in_[i_ + 2] == '\'')) {
      n = through(in_[i_ + 2] == '<' ? '>' : '\'');
    } else if (e == 'c' && i_ + 2 < in_.size()) {
      n = 3;
    }
    return std::min(n, in_.size() - i_);
  }

  Result<void> char_class() {
    begin_atom(false);
    out += '[';
    ++i_;
    if (i_ < in_.size() && in_[i_] == '^') {
      out += '^';
      ++i_;
    }
    for (bool first = true; i_ < in_.size(); first = false) {
      const char c = in_[i_];
      if (c == ']' && !first) {
        out += ']';
        ++i_;
        return {};
      }
      if (c == '[') {
        const std::size_t end = in_.find(":]", i_);
        if (i_ + 1 < in_.size() && in_[i_ + 1] == ':' && end != std::string_view::npos) {
          note_once("POSIX classes ([:alpha:] ...) are ASCII here, Unicode in Ruby");
          out.append(in_.substr(i_, end + 2 - i_));
          i_ = end + 2;
          continue;
        }
        return refuse("a nested character class");
      }
      if (c == '&' && i_ + 1 < in_.size() && in_[i_ + 1] == '&') return refuse("character class intersection &&");
      if (c == '\\' && i_ + 1 < in_.size()) {
        const char e = in_[i_ + 1];
        if (e == 'h') {
          out += "0-9a-fA-F";
          i_ += 2;
        } else if (e == 'H') {
          out += "[:^xdigit:]";
          i_ += 2;
        } else if (e == 'v') {
          out += "\\x0B";
          i_ += 2;
        } else if (e == 'u') {
          const auto cp = code_point();
          if (!cp) return refuse("malformed \\u escape");
          if (*cp >= 0x80) note_once("a non-ASCII character in a [...] class matches its bytes one by one here");
          out += escaped_bytes(utf8_bytes(*cp));
        } else if (static_cast<unsigned char>(e) >= 0x80) {
          ++i_;
          class_literal();
        } else {
          if (e == 'p' || e == 'P')
            note_once("\\p{...} tests the Unicode property of single bytes here, of characters in Ruby");
          out.append(in_.substr(i_, 2));
          i_ += 2;
        }
        continue;
      }
      class_literal();
    }
    return {};  // unterminated: PCRE2 reports it
  }

  void class_literal() {
    const std::size_t n = utf8_length(in_, i_);
    if (n > 1) note_once("a non-ASCII character in a [...] class matches its bytes one by one here");
    out.append(in_.substr(i_, n));
    i_ += n;
  }

  std::string_view in_;
  std::size_t i_ = 0;
  bool named_;
  struct OpenGroup {
    std::size_t out_begin;   // where it starts in `out`
    std::size_t in_content;  // where its content starts in the input; kNone for (?<name> …
  };
  std::vector<OpenGroup> groups_;
  bool star_as_optional_ = false;   // the next '*' follows a (X+) group
  std::size_t atom_begin_ = kNone;  // where the last atom starts in `out`
  bool atom_multibyte_ = false;
};

}  // namespace

Result<RecogRegex::Translation> RecogRegex::translate(std::string_view ruby_pattern, std::string_view flags) {
  Translation t;
  t.options.multiline = true;
  while (!flags.empty()) {
    const std::size_t comma = flags.find(',');
    const std::string_view flag = flags.substr(0, comma);
    if (flag == "REG_ICASE") {
      t.options.caseless = true;
    } else if (flag == "REG_MULTILINE" || flag == "REG_DOT_NEWLINE" || flag == "REG_LINE_ANY_CRLF") {
      t.options.dotall = true;
    } else {
      return make_input_error(
          fmt::format("unsupported regex flag \"{}\" (Recog knows REG_ICASE, REG_MULTILINE, "
                      "REG_DOT_NEWLINE, REG_LINE_ANY_CRLF)",
                      flag));
    }
    flags = comma == std::string_view::npos ? std::string_view() : flags.substr(comma + 1);
  }
  Translator translator(ruby_pattern);
  if (auto ran = translator.run(); !ran) return ran.error();
  t.pattern = "(*LF)" + translator.out;
  t.notes = std::move(translator.notes);
  bool non_ascii = false;
  for (const char c : ruby_pattern) non_ascii = non_ascii || static_cast<unsigned char>(c) >= 0x80;
  if (non_ascii && (t.options.caseless || ruby_pattern.find("(?i") != std::string_view::npos))
    t.notes.emplace_back("caseless matching folds ASCII letters only here; Ruby folds non-ASCII ones too");
  return t;
}

}  // namespace fumidai::fingerprints
