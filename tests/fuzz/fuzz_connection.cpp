// libFuzzer: byte streams through a real connection's incremental read path, as a client sends
// them: the input is cut into pieces (each piece's first byte sets its length), each piece is
// written to the peer end of a socket pair and read_now() reads what has arrived, request after
// request. Whatever arrives, the connection may hold at most max_request_bytes() for the request
// it reads, and a request's body at most the body limit.
#include "server_connection.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ranking;

namespace {

// Small limits, so that the bounds are within a fuzzer's reach.
ConnectionLimits fuzz_limits() {
    ConnectionLimits limits;
    limits.header_limit = 1024;
    limits.body_limit = 256;
    return limits;
}

void check_bounds(ServerConnection& connection, const ConnectionLimits& limits) {
    if (connection.request_bytes() > max_request_bytes(limits)) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static net::io_context context;
    static const ConnectionLimits limits = fuzz_limits();
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) return 0;
    ::fcntl(ends[1], F_SETFL, O_NONBLOCK);
    LoopSocket socket(context);
    socket.assign(tcp::v4(), ends[0]); // reads and writes are plain recv and send on any stream
    ServerConnection connection(std::move(socket), limits);
    bool open = true;
    for (std::size_t at = 0; open && at < size;) {
        const std::size_t piece = std::min<std::size_t>(1 + data[at] * 8, size - at - 1);
        ++at;
        if (piece > 0 && ::write(ends[1], data + at, piece) < 0) break; // full: the fuzzer's
        at += piece;                                                    // input is small
        for (;;) {
            const auto outcome = connection.read_now();
            check_bounds(connection, limits);
            if (outcome == ReadOutcome::incomplete) break;
            if (outcome != ReadOutcome::request) {
                open = false; // refused or gone: the server answers and closes
                break;
            }
            if (connection.request().body.size() > limits.body_limit) std::abort();
        }
    }
    ::close(ends[1]);
    return 0;
}
