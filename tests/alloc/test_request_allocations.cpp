// Heap allocations on the server's loop thread per request, in steady state: the goal for the
// cheap endpoints is none. The client is plain blocking POSIX sockets on the test thread, which is
// never counted; only the loop thread counts (counting_new.hpp), switched on and read by posting
// to it. RANKING_ALLOC_TRACE=N prints the first N counted allocations with their backtraces.
#include "counting_new.hpp"
#include "test_server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace ranking;
using namespace ranking::testing;

namespace {

constexpr int warm_up_requests = 200; // pools, caches and buffers reach their steady size
constexpr int counted_requests = 1000;

// One keep-alive HTTP/1.1 connection, blocking, no Asio: answers are read whole by their
// Content-Length (the server always sends one).
class BlockingClient {
public:
    explicit BlockingClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot connect to the test server");
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        const timeval patience{10, 0}; // a server that stops answering fails the test, not hangs it
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    }
    ~BlockingClient() { ::close(fd_); }
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;

    void send(const std::string& request) {
        for (std::size_t sent = 0; sent < request.size();) {
            const auto n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("send failed");
            sent += static_cast<std::size_t>(n);
        }
    }

    // Reads one whole answer and returns its status.
    int answer() {
        std::size_t head_end;
        while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos)
            receive();
        const auto length_at = pending_.find("Content-Length: ");
        if (length_at == std::string::npos || length_at > head_end)
            throw std::runtime_error("answer without Content-Length");
        const auto length = std::stoul(pending_.substr(length_at + 16));
        const auto total = head_end + 4 + length;
        while (pending_.size() < total)
            receive();
        const int status = std::stoi(pending_.substr(9, 3)); // "HTTP/1.1 200 OK"
        pending_.erase(0, total);
        return status;
    }

private:
    void receive() {
        char chunk[8192];
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) throw std::runtime_error("the server closed the connection");
        pending_.append(chunk, static_cast<std::size_t>(n));
    }
    int fd_;
    std::string pending_;
};

// Runs `work` on the loop thread and waits for it. The promise is kept before `work` so that
// start_counting() is the last thing the posted function does (nothing of ours is counted); the
// function owns its promise and `work`, as the test thread may return before it ends.
template <class Work> void on_loop(TestServer& server, Work work) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    net::post(server.server().data_executor(), [done, work] {
        done->set_value();
        work();
    });
    finished.get();
}

std::uint64_t stop_counting_on_loop(TestServer& server) {
    auto count = std::make_shared<std::promise<std::uint64_t>>();
    auto counted = count->get_future();
    net::post(server.server().data_executor(),
              [count] { count->set_value(alloc_count::stop_counting()); });
    return counted.get();
}

using Clients = std::vector<std::unique_ptr<BlockingClient>>;

// Each round sends `request` on every connection, then reads every answer: with several
// connections, their requests are on the loop together.
void exchange_rounds(Clients& clients, const std::string& request, int rounds) {
    for (int i = 0; i < rounds; ++i) {
        for (auto& client : clients)
            client->send(request);
        for (auto& client : clients)
            if (client->answer() != 200) throw std::runtime_error("not a 200: " + request);
    }
}

// Loop-thread allocations over `rounds` rounds, after warm-up on the same connections.
std::uint64_t allocations_over(TestServer& server, Clients& clients, const std::string& request,
                               int rounds) {
    on_loop(server, [] { alloc_count::start_counting(); });
    exchange_rounds(clients, request, rounds);
    return stop_counting_on_loop(server);
}

// Appended rather than "GET " + target + ...: GCC 12 -O2 warns falsely (-Warray-bounds) there.
std::string get(const std::string& target) {
    std::string request = "GET ";
    request.append(target).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    return request;
}

// Allocations per request for GET `target` on `connections` keep-alive connections: two windows
// (N and 2N requests), so that whatever a window costs by itself (its edges, background timers)
// shows as the difference of the two not being twice the first.
void check_no_allocation(const std::string& target, int connections = 1) {
    TestServer server;
    Clients clients;
    for (int i = 0; i < connections; ++i)
        clients.push_back(std::make_unique<BlockingClient>(server.server().data_port()));
    const auto request = get(target);
    exchange_rounds(clients, request, warm_up_requests / connections);

    const int rounds = counted_requests / connections;
    const auto allocations = allocations_over(server, clients, request, rounds);
    const auto twice = allocations_over(server, clients, request, 2 * rounds);
    MESSAGE("GET " << target << " on " << connections << " connection(s): " << allocations
                   << " loop-thread allocations over " << counted_requests << " requests ("
                   << static_cast<double>(allocations) / counted_requests << " per request), "
                   << twice << " over " << 2 * counted_requests << " (difference per request "
                   << (static_cast<double>(twice) - static_cast<double>(allocations)) /
                          counted_requests
                   << ")");
    CHECK(allocations == 0);
}

} // namespace

TEST_CASE("GET /healthz allocates nothing on the loop thread") {
    check_no_allocation("/healthz");
}

TEST_CASE("GET /players/{name} allocates nothing on the loop thread") {
    // A member of the club TestServer opens with (generate_club(200)), not one of the story's.
    const auto club = generate_club(200);
    const auto& member = club.back().name;
    check_no_allocation("/players/" + member);
}

// Several connections' requests in flight at once: more coroutine frames and operations alive
// together than with one connection (Asio recycles only two blocks of each kind per thread).
TEST_CASE("GET /healthz on 8 connections at once allocates nothing on the loop thread") {
    check_no_allocation("/healthz", 8);
}

// Past start-up: the loop's first timer waits grow Asio's timer heap once. The connection stays
// open (returned), so that its close does not fall into a counted window.
Clients warmed_up_client(TestServer& server) {
    Clients client;
    client.push_back(std::make_unique<BlockingClient>(server.server().data_port()));
    exchange_rounds(client, get("/healthz"), warm_up_requests);
    return client;
}

// The loop's own timers (the 10 ms lag probe) run inside every counted window: with no request
// at all they must allocate nothing either, or the checks above could never pass.
TEST_CASE("the idle loop allocates nothing (lag probe ticks)") {
    TestServer server;
    const auto client = warmed_up_client(server);
    on_loop(server, [] { alloc_count::start_counting(); });
    std::this_thread::sleep_for(std::chrono::seconds(1)); // ~100 probe ticks
    const auto allocations = stop_counting_on_loop(server);
    MESSAGE("idle loop: " << allocations << " allocations in 1 s");
    CHECK(allocations == 0);
}

// The instrument itself: without this, an operator new that is not linked in, or that counts
// another thread than the loop, would let the checks above pass with nothing measured. An explicit
// call of ::operator new, unlike a new-expression, may not be optimised away.
TEST_CASE("the counter sees one allocation made on the loop thread") {
    TestServer server;
    const auto client = warmed_up_client(server);
    on_loop(server, [] { alloc_count::start_counting(); });
    on_loop(server, [] { ::operator delete(::operator new(16)); });
    CHECK(stop_counting_on_loop(server) == 1);
}
