#include "federation_standin.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>

namespace ranking {
namespace {

constexpr std::size_t head_limit = 8 * 1024; // a longer head is not a rating request: closed

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// Whether a comma-separated header value holds `token` (Connection: keep-alive, close).
bool has_token(std::string_view value, std::string_view token) noexcept {
    while (!value.empty()) {
        const auto comma = value.find(',');
        if (iequals(trim(value.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

struct RequestHead {
    std::string_view method;
    std::string_view target;
    bool close = false; // Connection: close, or HTTP/1.0 without keep-alive
};

// The request line and the Connection header of a head ending in "\r\n\r\n"; nothing when the
// request line is not "METHOD TARGET HTTP/1.x".
std::optional<RequestHead> parse_head(std::string_view head) {
    auto line_end = head.find("\r\n");
    const auto line = head.substr(0, line_end);
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (first == 0 || second == std::string_view::npos || second == first + 1) return std::nullopt;
    const auto version = line.substr(second + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;
    RequestHead parsed{line.substr(0, first), line.substr(first + 1, second - first - 1),
                       version == "HTTP/1.0"};
    while (line_end + 2 < head.size()) {
        const auto start = line_end + 2;
        line_end = head.find("\r\n", start);
        const auto field = head.substr(start, line_end - start);
        const auto colon = field.find(':');
        if (colon == std::string_view::npos || !iequals(field.substr(0, colon), "connection"))
            continue;
        const auto value = field.substr(colon + 1);
        if (has_token(value, "close")) parsed.close = true;
        if (has_token(value, "keep-alive") && version == "HTTP/1.0") parsed.close = false;
    }
    return parsed;
}

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded; a '%' that starts no escape stays as it is.
std::string percent_decoded(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hex_digit(text[i + 1]);
            const int low = hex_digit(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

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
    std::string buffer;
    for (;;) {
        // Pipelined requests wait in `buffer`; a head over the limit ends the connection.
        auto [read_ec, head_size] = co_await net::async_read_until(
            socket, net::dynamic_buffer(buffer, head_limit), "\r\n\r\n", use_nothrow);
        if (read_ec) co_return;
        const std::string head = buffer.substr(0, head_size);
        buffer.erase(0, head_size);
        const auto number = ++requests_;

        latency.expires_after(std::chrono::milliseconds(latency_ms_.load()));
        co_await latency.async_wait(use_nothrow);

        Answer answer;
        const auto request = parse_head(head);
        const std::string_view prefix = config_.prefix;
        if (!request) {
            answer = {http_answer("400 Bad Request", json_error("not an HTTP/1.x request"), true),
                      Answer::End::close};
        } else {
            const auto end = request->close ? Answer::End::close : Answer::End::keep_alive;
            auto path = request->target.substr(0, request->target.find('?'));
            const bool rating_path = path.size() > prefix.size() + 1 && path.starts_with(prefix) &&
                                     path[prefix.size()] == '/' &&
                                     path.find('/', prefix.size() + 1) == std::string_view::npos;
            if (!rating_path) {
                answer = {http_answer("404 Not Found",
                                      json_error("no such route: the stand-in answers GET " +
                                                 config_.prefix + "/{name}"),
                                      request->close),
                          end};
            } else if (request->method != "GET") {
                answer = {http_answer("405 Method Not Allowed",
                                      json_error("only GET is allowed here"), request->close,
                                      "Allow: GET\r\n"),
                          end};
            } else {
                switch (draw(number)) {
                case Behaviour::ok: {
                    const auto name = percent_decoded(path.substr(prefix.size() + 1));
                    const auto body =
                        "{\"name\":" + json_string(name) +
                        ",\"federation\":\"FIDE\",\"rating\":" + std::to_string(rating_for(name)) +
                        ",\"title\":null}";
                    answer = {http_answer("200 OK", body, request->close), end};
                    break;
                }
                case Behaviour::status_500:
                    answer = {http_answer("500 Internal Server Error",
                                          json_error("the rating service failed (a stand-in, "
                                                     "failing on purpose)"),
                                          request->close),
                              end};
                    break;
                case Behaviour::garbage:
                    answer = {http_answer("200 OK", "<html>rating service maintenance</html>",
                                          request->close),
                              end};
                    break;
                case Behaviour::not_http:
                    answer = {"rating service maintenance, come back later\r\n",
                              Answer::End::close};
                    break;
                case Behaviour::reset:
                    answer = {"HTTP/1.1 200 OK\r\nContent-Le", Answer::End::reset};
                    break;
                }
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
        if (answer.end == Answer::End::close) {
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
