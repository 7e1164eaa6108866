#pragma once
// Where the engine's targets come from: stdin lines (fumidai grab), stage 1's
// open ports (scan --grab) or a list (tests). The engine pulls only as many
// as its limits let it start soon, so a full engine pushes back on the
// producer.
// Contract: called only from the engine's thread; try_next() never blocks.
#include <optional>

#include "fumidai/scanner/grab/GrabTarget.h"

namespace fumidai::scanner {

class TargetSource {
 public:
  virtual ~TargetSource() = default;
  // The next target if one is ready now.
  virtual std::optional<GrabTarget> try_next() = 0;
  // True once no target will ever come again (and try_next() returned them all).
  virtual bool exhausted() const = 0;
};

}  // namespace fumidai::scanner
