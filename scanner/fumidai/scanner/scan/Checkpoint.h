#pragma once
// Scan progress for --resume: each sender thread's next step in its ShardPlan.
// The file is memory-mapped and updated after every batch the kernel accepts,
// so even a killed process leaves an exact record in the page cache; sync()
// pushes it to disk. Without --resume the same counters live in memory.
// Contract: thread t writes only slot t; the file must describe the same scan
// (targets, ports, shards, threads, probes, seed) or open() refuses it.
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

class Checkpoint {
 public:
  // `fingerprint` identifies the scan's shape; `seed` is the user's, if given.
  static Result<Checkpoint> open(const std::string& path, std::uint64_t fingerprint, std::uint32_t threads,
                                 std::optional<std::uint64_t> seed, std::uint64_t fresh_seed);
  static Checkpoint in_memory(std::uint32_t threads, std::uint64_t seed);
  ~Checkpoint();
  Checkpoint(Checkpoint&& other) noexcept;
  Checkpoint& operator=(Checkpoint&&) = delete;

  std::uint64_t seed() const;
  bool resumed() const { return resumed_; }
  std::uint64_t next_step(std::uint32_t thread) const;
  void record(std::uint32_t thread, std::uint64_t next_step);
  void sync();

 private:
  struct Header;
  Checkpoint(void* map, std::size_t size, bool resumed, bool owned_by_file)
      : map_(map), size_(size), resumed_(resumed), file_backed_(owned_by_file) {}
  Header* header() const { return static_cast<Header*>(map_); }
  std::uint64_t* steps() const;

  void* map_;
  std::size_t size_;
  bool resumed_;
  bool file_backed_;
};

}  // namespace fumidai::scanner
