#include "fumidai/scanner/scan/Checkpoint.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

#include "fumidai/scanner/io/FileDescriptor.h"

namespace fumidai::scanner {

struct Checkpoint::Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t threads;
  std::uint64_t fingerprint;
  std::uint64_t seed;
  // followed by `threads` step counters
};

namespace {

constexpr char kMagic[8] = {'F', 'U', 'M', 'I', 'D', 'A', 'I', 'R'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kMaxThreads = 1024;

std::size_t file_size(std::uint32_t threads) { return 32 + std::size_t{threads} * 8; }

}  // namespace

std::uint64_t* Checkpoint::steps() const { return reinterpret_cast<std::uint64_t*>(static_cast<char*>(map_) + 32); }

Result<Checkpoint> Checkpoint::open(const std::string& path, std::uint64_t fingerprint, std::uint32_t threads,
                                    std::optional<std::uint64_t> seed, std::uint64_t fresh_seed) {
  static_assert(sizeof(Header) == 32);
  if (threads == 0 || threads > kMaxThreads) return make_input_error(fmt::format("invalid thread count {}", threads));
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return make_input_error(fmt::format("cannot open resume file '{}': {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return make_input_error(fmt::format("cannot stat resume file '{}'", path));
  const std::size_t size = file_size(threads);
  const bool resumed = st.st_size != 0;
  if (resumed) {
    Header existing{};
    if (static_cast<std::size_t>(st.st_size) < sizeof(Header) ||
        ::pread(fd.get(), &existing, sizeof(existing), 0) != static_cast<ssize_t>(sizeof(existing)) ||
        std::memcmp(existing.magic, kMagic, sizeof(kMagic)) != 0 || existing.version != kVersion ||
        static_cast<std::size_t>(st.st_size) != file_size(existing.threads)) {
      return make_input_error(fmt::format("'{}' is not a fumidai resume file", path));
    }
    if (existing.fingerprint != fingerprint) {
      return make_input_error(fmt::format(
          "resume file '{}' belongs to a different scan (targets, ports, blocklist, shards or probes differ)", path));
    }
    if (existing.threads != threads) {
      return make_input_error(fmt::format("resume file '{}' was written with --sender-threads {}, not {}", path,
                                          existing.threads, threads));
    }
    if (seed && *seed != existing.seed) {
      return make_input_error(
          fmt::format("resume file '{}' was written with --seed {}, not {}", path, existing.seed, *seed));
    }
  } else if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
    return make_input_error(fmt::format("cannot size resume file '{}': {}", path, std::strerror(errno)));
  }
  void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (map == MAP_FAILED)
    return make_input_error(fmt::format("cannot map resume file '{}': {}", path, std::strerror(errno)));
  Checkpoint checkpoint(map, size, resumed, true);
  if (!resumed) {
    Header* h = checkpoint.header();
    std::memcpy(h->magic, kMagic, sizeof(kMagic));
    h->version = kVersion;
    h->threads = threads;
    h->fingerprint = fingerprint;
    h->seed = seed.value_or(fresh_seed);
    checkpoint.sync();
  }
  return checkpoint;
}

Checkpoint Checkpoint::in_memory(std::uint32_t threads, std::uint64_t seed) {
  const std::size_t size = file_size(threads);
  void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) throw std::bad_alloc();
  Checkpoint checkpoint(map, size, false, false);
  checkpoint.header()->threads = threads;
  checkpoint.header()->seed = seed;
  return checkpoint;
}

Checkpoint::~Checkpoint() {
  if (!map_) return;
  sync();
  ::munmap(map_, size_);
}

Checkpoint::Checkpoint(Checkpoint&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      size_(other.size_),
      resumed_(other.resumed_),
      file_backed_(other.file_backed_) {}

std::uint64_t Checkpoint::seed() const { return header()->seed; }

std::uint64_t Checkpoint::next_step(std::uint32_t thread) const {
  return std::atomic_ref<std::uint64_t>(steps()[thread]).load(std::memory_order_relaxed);
}

void Checkpoint::record(std::uint32_t thread, std::uint64_t next_step) {
  std::atomic_ref<std::uint64_t>(steps()[thread]).store(next_step, std::memory_order_relaxed);
}

void Checkpoint::sync() {
  if (file_backed_) ::msync(map_, size_, MS_SYNC);
}

}  // namespace fumidai::scanner
