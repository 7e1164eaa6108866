#include "fumidai/fingerprints/AhoCorasick.h"

#include <fmt/format.h>

#include <deque>

namespace fumidai::fingerprints {

namespace {

unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c; }

}  // namespace

Result<AhoCorasick> AhoCorasick::build(const std::vector<std::string>& literals) {
  AhoCorasick ac;
  std::size_t total = 1;
  for (const std::string& literal : literals) {
    if (literal.empty()) return make_error("prefilter: empty literal");
    total += literal.size();
    for (const char c : literal) ac.byte_class_[fold(static_cast<unsigned char>(c))] = 1;
  }
  std::uint8_t classes = 1;
  for (auto& cls : ac.byte_class_) {
    if (cls != 0) cls = classes++;
  }
  for (int c = 'A'; c <= 'Z'; ++c)
    ac.byte_class_[static_cast<std::size_t>(c)] = ac.byte_class_[fold(static_cast<unsigned char>(c))];
  ac.classes_ = classes;
  // Upper bound before allocating: the trie has at most `total` states.
  if (total * ac.classes_ > kMaxTableEntries) {
    return make_error(fmt::format("prefilter: {} literal bytes over {} byte classes exceed {} table entries", total,
                                  ac.classes_, kMaxTableEntries));
  }

  // The trie, with 0 as "no edge" (the root is never a child).
  std::vector<std::uint32_t> trie(ac.classes_, 0);
  std::vector<std::vector<std::uint32_t>> own(1);
  for (std::uint32_t id = 0; id < literals.size(); ++id) {
    std::uint32_t state = 0;
    for (const char c : literals[id]) {
      const std::size_t slot = state * ac.classes_ + ac.byte_class_[static_cast<unsigned char>(c)];
      if (trie[slot] == 0) {
        trie[slot] = static_cast<std::uint32_t>(own.size());
        own.emplace_back();
        trie.resize(trie.size() + ac.classes_, 0);
      }
      state = trie[slot];
    }
    own[state].push_back(id);
  }

  // Breadth first: each state's failure link is set before its children's,
  // so missing edges become the failure state's edge (a complete DFA), and
  // outputs gather along failure links.
  const std::size_t states = own.size();
  std::vector<std::uint32_t> fail(states, 0);
  std::vector<std::vector<std::uint32_t>> all = own;
  ac.next_ = trie;
  std::deque<std::uint32_t> queue;
  for (std::size_t cls = 0; cls < ac.classes_; ++cls) {
    if (const std::uint32_t child = trie[cls]; child != 0) queue.push_back(child);
  }
  while (!queue.empty()) {
    const std::uint32_t state = queue.front();
    queue.pop_front();
    for (std::size_t cls = 0; cls < ac.classes_; ++cls) {
      const std::size_t slot = state * ac.classes_ + cls;
      const std::uint32_t child = trie[slot];
      const std::uint32_t via_fail = ac.next_[fail[state] * ac.classes_ + cls];
      if (child == 0) {
        ac.next_[slot] = via_fail;
        continue;
      }
      fail[child] = via_fail;
      all[child].insert(all[child].end(), all[via_fail].begin(), all[via_fail].end());
      queue.push_back(child);
    }
  }
  // Class 0 (bytes in no literal) leads every state back to the root.
  ac.output_begin_.reserve(states + 1);
  for (const auto& list : all) {
    ac.output_begin_.push_back(static_cast<std::uint32_t>(ac.outputs_.size()));
    ac.outputs_.insert(ac.outputs_.end(), list.begin(), list.end());
  }
  ac.output_begin_.push_back(static_cast<std::uint32_t>(ac.outputs_.size()));
  return ac;
}

std::size_t AhoCorasick::memory_bytes() const {
  return sizeof(*this) + next_.capacity() * sizeof(std::uint32_t) + output_begin_.capacity() * sizeof(std::uint32_t) +
         outputs_.capacity() * sizeof(std::uint32_t);
}

}  // namespace fumidai::fingerprints
