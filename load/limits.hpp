#pragma once
// What the machine allows: open files and local ports, checked before opening thousands of
// connections, and the words for a connect that failed anyway.
#include "http_url.hpp"
#include "net.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace ranking::load {

// Raises the soft RLIMIT_NOFILE to the hard one; the error when `connections` cannot fit
// (descriptors or the ephemeral port range), nothing when they can.
std::optional<std::string> check_capacity(std::size_t connections);

std::string explain_connect_failure(const error_code& ec, const HttpEndpoint& server,
                                    std::size_t opened, std::size_t wanted);

} // namespace ranking::load
