#pragma once
// SshWireReader: reads SSH data types (RFC 4251, 5) off the front of an
// untrusted payload. Each read checks the bytes left first; one that does not
// fit returns false and consumes nothing. It views the caller's bytes, which
// must outlive it and the spans it hands out.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner {

class SshWireReader {
 public:
  explicit SshWireReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool read(std::uint8_t& value) {
    if (bytes_.empty()) return false;
    value = bytes_[0];
    bytes_ = bytes_.subspan(1);
    return true;
  }
  bool read(std::uint32_t& value) {
    if (bytes_.size() < 4) return false;
    value = get32(bytes_.data());
    bytes_ = bytes_.subspan(4);
    return true;
  }
  template <std::size_t N>
  bool read(std::array<std::uint8_t, N>& value) {
    if (bytes_.size() < N) return false;
    std::copy_n(bytes_.begin(), N, value.begin());
    bytes_ = bytes_.subspan(N);
    return true;
  }
  // `string`: a uint32 length, then that many bytes.
  bool read_string(std::span<const std::uint8_t>& value) {
    if (bytes_.size() < 4 || get32(bytes_.data()) > bytes_.size() - 4) return false;
    value = bytes_.subspan(4, get32(bytes_.data()));
    bytes_ = bytes_.subspan(4 + value.size());
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

}  // namespace fumidai::scanner
