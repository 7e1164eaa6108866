#pragma once
// Errors cross module boundaries as values: Result<T> holds either a T or an
// Error whose message is one line a user can act on (it names the bad value).
#include <boost/system/result.hpp>
#include <string>

namespace fumidai {

struct Error {
  enum class Kind { failure, invalid_input };
  // Two arguments on purpose: an Error must not be constructible from a bare
  // string, or Result<std::string> could not tell value from error.
  Error() = default;
  Error(Kind k, std::string m) : kind(k), message(std::move(m)) {}
  Kind kind = Kind::failure;  // invalid_input: the user's input was wrong (CLI exit code 2)
  std::string message;
};

template <class T = void>
using Result = boost::system::result<T, Error>;

inline Error make_error(std::string message) { return Error(Error::Kind::failure, std::move(message)); }
inline Error make_input_error(std::string message) { return Error(Error::Kind::invalid_input, std::move(message)); }

// Lets Result<T>::value() throw for an Error; only used where a caller has
// already decided failure is a bug.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

}  // namespace fumidai
