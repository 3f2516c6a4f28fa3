#pragma once
// Names for the raw return addresses a stack sample holds: the demangled function, and the source
// file and line where debug information has them (Boost.Stacktrace over GCC's libbacktrace);
// exported names of libraries without debug information as they are (PKCS5_PBKDF2_HMAC), else
// "?? (libcrypto.so.3)". Slow the first time (the debug information is read): never on the loop.
// One instance per thread: the names are cached, without a lock.
#include <string>
#include <unordered_map>

namespace ranking {

struct FrameName {
    std::string function; // "ranking::compute_token(std::string_view, ...)", "PKCS5_PBKDF2_HMAC"
    std::string location; // "common/token.cpp:42", or empty
    // Without parameters or template arguments: "ranking::compute_token", "boost::asio::
    // detail::reactive_socket_recv_op<>::do_complete" (log lines, flame graphs).
    std::string brief;
    // "function (file:line)", or the function alone.
    std::string text() const {
        return location.empty() ? function : function + " (" + location + ")";
    }
};

class FrameNames {
public:
    const FrameName& name(const void* address);

private:
    std::unordered_map<const void*, FrameName> cache_;
};

} // namespace ranking
