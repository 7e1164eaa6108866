#pragma once
// One failed self-test check: an example that does not match its rule, yields
// the wrong output or is claimed first by another rule; a label example with
// the wrong verdict. `file:line` is the example's position.
#include <string>

namespace fumidai::fingerprints {

struct SelfTestFailure {
  std::string file;
  int line = 0;
  std::string rule_id;  // the rule's or label's id
  std::string reason;
};

}  // namespace fumidai::fingerprints
