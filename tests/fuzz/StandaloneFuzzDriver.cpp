// Replays fuzz inputs without libFuzzer, so any compiler can run a fuzz
// target's corpus as a regression test: LLVMFuzzerTestOneInput runs once per
// file, for every file argument and every regular file under every directory
// argument (recursively, in sorted order so runs are reproducible).
// Exit status: 0 when at least one input ran and none crashed; 1 when an
// argument cannot be read or names no input at all (a mistyped corpus path
// must not pass as an empty, green run).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

bool collect(const fs::path& arg, std::vector<fs::path>& inputs) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    const std::size_t before = inputs.size();
    for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) inputs.push_back(it->path());
    }
    if (ec) {
      std::fprintf(stderr, "cannot list '%s': %s\n", arg.c_str(), ec.message().c_str());
      return false;
    }
    std::sort(inputs.begin() + static_cast<std::ptrdiff_t>(before), inputs.end());
    return true;
  }
  if (fs::is_regular_file(arg, ec)) {
    inputs.push_back(arg);
    return true;
  }
  std::fprintf(stderr, "'%s' is neither a file nor a directory\n", arg.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (!collect(argv[i], inputs)) return 1;
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "no inputs found\n");
    return 1;
  }
  for (const auto& path : inputs) {
    std::vector<std::uint8_t> data;
    if (!read_file(path, data)) {
      std::fprintf(stderr, "cannot read '%s'\n", path.c_str());
      return 1;
    }
    // Exactly size() bytes on the heap, as libFuzzer passes them, so a
    // sanitizer build catches a read past the end of the input.
    const std::vector<std::uint8_t> exact(data.begin(), data.end());
    std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), exact.size());
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
  }
  std::printf("%zu inputs ran without a crash\n", inputs.size());
  return 0;
}
