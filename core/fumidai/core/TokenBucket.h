#pragma once
// Non-blocking pacing on an injected clock, as a generic cell rate algorithm
// (the token bucket in exact integer time): one token every 1/rate seconds, up
// to `burst` saved up. The grab engine asks try_take(now) before each connect
// and the API's rate limiter before each request; when it says no, the caller
// comes back at next_token(now); nothing here sleeps.
// Contract: not thread-safe (callers guard it); a value type.
#include <cstdint>

#include "fumidai/core/Clock.h"

namespace fumidai {

class TokenBucket {
 public:
  // rate: tokens per second (0 = unlimited); burst: the most tokens saved up (at least 1).
  TokenBucket(double rate, double burst);

  bool try_take(Nanos now);
  // When the next token is due (now, when one is available).
  Nanos next_token(Nanos now) const;

 private:
  bool unlimited_;
  Nanos interval_{0};   // between tokens
  Nanos tolerance_{0};  // how far ahead of schedule a burst may run
  bool started_ = false;
  Nanos due_{0};  // when the next token is due if none were saved up
};

}  // namespace fumidai
