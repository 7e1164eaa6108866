#include "fumidai/fingerprints/Pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <algorithm>
#include <new>

namespace fumidai::fingerprints {

namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  int length = pcre2_get_error_message(code, buffer, sizeof buffer);
  if (length < 0) return fmt::format("PCRE2 error {}", code);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

}  // namespace

struct Pattern::Impl {
  std::unique_ptr<pcre2_code, CodeDeleter> code;
  std::string source;
  int captures = 0;
  bool jit = false;
  std::vector<std::pair<std::string, int>> names;
};

struct MatchScratch::Impl {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
};

MatchScratch::MatchScratch(MatchLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->data = pcre2_match_data_create(kMaxCaptures + 1, nullptr);
  impl_->context = pcre2_match_context_create(nullptr);
  impl_->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, nullptr);
  if (impl_->data == nullptr || impl_->context == nullptr || impl_->jit_stack == nullptr) throw std::bad_alloc();
  pcre2_set_match_limit(impl_->context, limits.match_limit);
  pcre2_set_depth_limit(impl_->context, limits.depth_limit);
  pcre2_jit_stack_assign(impl_->context, nullptr, impl_->jit_stack);
}

MatchScratch::~MatchScratch() {
  pcre2_jit_stack_free(impl_->jit_stack);
  pcre2_match_context_free(impl_->context);
  pcre2_match_data_free(impl_->data);
}

Pattern::Pattern(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;
Pattern::~Pattern() = default;

Result<Pattern> Pattern::compile(std::string_view regex, PatternOptions options) {
  std::uint32_t flags = 0;
  if (options.caseless) flags |= PCRE2_CASELESS;
  if (options.dotall) flags |= PCRE2_DOTALL;
  if (options.multiline) flags |= PCRE2_MULTILINE;
  if (options.extended) flags |= PCRE2_EXTENDED;
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* raw = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(), flags, &error_code,
                                  &error_offset, nullptr);
  if (raw == nullptr) {
    return make_input_error(fmt::format("bad regex at offset {}: {}", error_offset, pcre2_message(error_code)));
  }
  auto impl = std::make_unique<Impl>();
  impl->code.reset(raw);
  impl->source = std::string(regex);
  std::uint32_t count = 0;
  pcre2_pattern_info(raw, PCRE2_INFO_CAPTURECOUNT, &count);
  if (count > static_cast<std::uint32_t>(MatchScratch::kMaxCaptures)) {
    return make_input_error(
        fmt::format("regex has {} capture groups; at most {}", count, MatchScratch::kMaxCaptures));
  }
  impl->captures = static_cast<int>(count);
  // JIT is an optimisation: where it is unavailable the interpreter runs the
  // same pattern under the same limits.
  impl->jit = pcre2_jit_compile(raw, PCRE2_JIT_COMPLETE) == 0;

  std::uint32_t name_count = 0;
  std::uint32_t entry_size = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(raw, PCRE2_INFO_NAMECOUNT, &name_count);
  pcre2_pattern_info(raw, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(raw, PCRE2_INFO_NAMETABLE, &table);
  for (std::uint32_t i = 0; i < name_count; ++i) {
    PCRE2_SPTR entry = table + i * entry_size;
    int number = (entry[0] << 8) | entry[1];
    impl->names.emplace_back(reinterpret_cast<const char*>(entry + 2), number);
  }
  std::sort(impl->names.begin(), impl->names.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return Pattern(std::move(impl));
}

MatchOutcome Pattern::match(std::string_view subject, MatchScratch& scratch, Captures* captures) const {
  pcre2_match_data* data = scratch.impl_->data;
  const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
  int rc = impl_->jit ? pcre2_jit_match(impl_->code.get(), text, subject.size(), 0, 0, data, scratch.impl_->context)
                      : pcre2_match(impl_->code.get(), text, subject.size(), 0, 0, data, scratch.impl_->context);
  if (rc == PCRE2_ERROR_NOMATCH) return MatchOutcome::no_match;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT) {
    return MatchOutcome::limit_exceeded;
  }
  if (rc < 0) return MatchOutcome::error;
  if (captures != nullptr) {
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    captures->assign(static_cast<std::size_t>(impl_->captures) + 1, std::nullopt);
    for (int i = 0; i <= impl_->captures; ++i) {
      PCRE2_SIZE begin = ovector[2 * i];
      PCRE2_SIZE end = ovector[2 * i + 1];
      // Groups past rc are unset; PCRE2 marks them with PCRE2_UNSET too.
      if (i >= rc || begin == PCRE2_UNSET || end < begin) continue;
      (*captures)[static_cast<std::size_t>(i)] = subject.substr(begin, end - begin);
    }
  }
  return MatchOutcome::matched;
}

int Pattern::capture_count() const { return impl_->captures; }
const std::vector<std::pair<std::string, int>>& Pattern::named_groups() const { return impl_->names; }
const std::string& Pattern::source() const { return impl_->source; }
bool Pattern::jit_compiled() const { return impl_->jit; }

}  // namespace fumidai::fingerprints
