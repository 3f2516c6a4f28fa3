#include "federation_standin.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>

namespace ranking {
namespace {

namespace http = boost::beast::http;
namespace urls = boost::urls;

std::string json_string(std::string_view text) {
    return nlohmann::json(std::string(text))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_error(std::string_view message) {
    return "{\"error\":" + json_string(message) + "}";
}

// A whole answer: status line, the few headers a client needs, the body.
std::string http_answer(std::string_view status, std::string_view body, bool close,
                        std::string_view extra_headers = {}) {
    std::string out = "HTTP/1.1 ";
    out += status;
    out += "\r\nServer: ranking-federation-standin\r\nContent-Type: application/json\r\n"
           "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
    out += extra_headers;
    if (close) out += "Connection: close\r\n";
    out += "\r\n";
    out += body;
    return out;
}

// splitmix64: request N's draw depends on the seed and N only.
std::uint64_t mixed(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

struct FederationStandin::Answer {
    enum class End { keep_alive, close, reset };
    std::string bytes;
    End end = End::keep_alive;
};

FederationStandin::FederationStandin(FederationStandinConfig config)
    : config_(std::move(config)), latency_ms_(config_.latency.count()), acceptor_(loop_) {
    while (!config_.prefix.empty() && config_.prefix.back() == '/')
        config_.prefix.pop_back();
    const tcp::endpoint endpoint(net::ip::make_address(config_.address), config_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    net::co_spawn(loop_, accept_loop(), net::detached);
    thread_ = std::thread([this] { loop_.run(); });
}

FederationStandin::~FederationStandin() {
    // Every connection's frame, and the acceptor's, goes with the loop (members, in order).
    loop_.stop();
    if (thread_.joinable()) thread_.join();
}

std::string FederationStandin::url() const {
    const bool v6 = config_.address.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + config_.address + "]" : config_.address) + ":" +
           std::to_string(port_) + config_.prefix;
}

void FederationStandin::set_failure_rate(double rate) noexcept {
    failure_rate_ = rate > 0 ? std::min(rate, 1.0) : 0.0; // NaN: 0
}

int FederationStandin::rating_for(std::string_view name) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL; // FNV-1a, 64 bits
    for (const char c : name) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return 1000 + static_cast<int>(hash % 1800);
}

FederationStandin::Behaviour FederationStandin::draw(std::uint64_t request_number) const noexcept {
    const double rate = failure_rate_;
    if (rate <= 0) return behaviour_;
    const double uniform =
        static_cast<double>(mixed(config_.seed ^ mixed(request_number)) >> 11) * 0x1.0p-53;
    return uniform < rate ? fail_with_.load() : Behaviour::ok;
}

void FederationStandin::opened() noexcept {
    ++accepted_;
    const auto now = ++open_;
    auto most = most_open_.load();
    while (most < now && !most_open_.compare_exchange_weak(most, now)) {
    }
}

net::awaitable<void> FederationStandin::accept_loop() {
    net::steady_timer pause(loop_);
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_nothrow);
        if (ec == net::error::operation_aborted) co_return;
        if (ec) { // out of descriptors, say: let a connection close first
            pause.expires_after(std::chrono::milliseconds(10));
            co_await pause.async_wait(use_nothrow);
            continue;
        }
        net::co_spawn(loop_, serve(std::move(socket)), net::detached);
    }
}

net::awaitable<void> FederationStandin::serve(tcp::socket socket) {
    opened();
    struct Closed {
        std::atomic<std::uint64_t>& open;
        ~Closed() { --open; }
    } closed{open_};
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    net::steady_timer latency(socket.get_executor());
    boost::beast::flat_buffer buffer; // pipelined requests wait here
    for (;;) {
        http::request_parser<http::empty_body> parser;
        parser.header_limit(8 * 1024); // a longer head is not a rating request: closed
        // Beast takes HTTP/1.0 and 1.1 only; anything else, a body, or EOF ends the connection.
        auto [read_ec, read_size] = co_await http::async_read(socket, buffer, parser, use_nothrow);
        if (read_ec) co_return;
        const auto number = ++requests_;

        latency.expires_after(std::chrono::milliseconds(latency_ms_.load()));
        co_await latency.async_wait(use_nothrow);

        const auto& request = parser.get();
        const bool close = !request.keep_alive();
        const auto end = close ? Answer::End::close : Answer::End::keep_alive;
        const auto url = urls::parse_origin_form(request.target());
        // Path without the query; a target Boost.URL cannot parse is no rating path: 404.
        const std::string_view path = url ? std::string_view(url->encoded_path()) : "";
        const std::string_view prefix = config_.prefix;
        const bool rating_path = path.size() > prefix.size() + 1 && path.starts_with(prefix) &&
                                 path[prefix.size()] == '/' &&
                                 path.find('/', prefix.size() + 1) == std::string_view::npos;
        Answer answer;
        if (!rating_path) {
            answer = {http_answer("404 Not Found",
                                  json_error("no such route: the stand-in answers GET " +
                                             config_.prefix + "/{name}"),
                                  close),
                      end};
        } else if (request.method() != http::verb::get) {
            answer = {http_answer("405 Method Not Allowed", json_error("only GET is allowed here"),
                                  close, "Allow: GET\r\n"),
                      end};
        } else {
            switch (draw(number)) {
            case Behaviour::ok: {
                const std::string name = url->segments().back(); // decoded
                const auto body =
                    "{\"name\":" + json_string(name) +
                    ",\"federation\":\"FIDE\",\"rating\":" + std::to_string(rating_for(name)) +
                    ",\"title\":null}";
                answer = {http_answer("200 OK", body, close), end};
                break;
            }
            case Behaviour::status_500:
                answer = {http_answer("500 Internal Server Error",
                                      json_error("the rating service failed (a stand-in, "
                                                 "failing on purpose)"),
                                      close),
                          end};
                break;
            case Behaviour::garbage:
                answer = {http_answer("200 OK", "<html>rating service maintenance</html>", close),
                          end};
                break;
            case Behaviour::not_http:
                answer = {"rating service maintenance, come back later\r\n", Answer::End::close};
                break;
            case Behaviour::reset:
                answer = {"HTTP/1.1 200 OK\r\nContent-Le", Answer::End::reset};
                break;
            }
        }

        auto [write_ec, written] =
            co_await net::async_write(socket, net::buffer(answer.bytes), use_nothrow);
        if (write_ec) co_return;
        if (answer.end == Answer::End::reset) {
            socket.set_option(net::socket_base::linger(true, 0), ignored); // close sends RST
            socket.close(ignored);
            co_return;
        }
        if (answer.end == Answer::End::close || drop_kept_) {
            socket.shutdown(tcp::socket::shutdown_send, ignored);
            socket.close(ignored);
            co_return;
        }
    }
}

std::string_view to_string(FederationStandin::Behaviour behaviour) noexcept {
    switch (behaviour) {
    case FederationStandin::Behaviour::ok:
        return "ok";
    case FederationStandin::Behaviour::status_500:
        return "500";
    case FederationStandin::Behaviour::garbage:
        return "garbage";
    case FederationStandin::Behaviour::not_http:
        return "not-http";
    case FederationStandin::Behaviour::reset:
        return "reset";
    }
    return "ok";
}

std::optional<FederationStandin::Behaviour>
parse_federation_behaviour(std::string_view text) noexcept {
    for (const auto behaviour :
         {FederationStandin::Behaviour::ok, FederationStandin::Behaviour::status_500,
          FederationStandin::Behaviour::garbage, FederationStandin::Behaviour::not_http,
          FederationStandin::Behaviour::reset})
        if (to_string(behaviour) == text) return behaviour;
    return std::nullopt;
}

} // namespace ranking
