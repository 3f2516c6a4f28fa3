#include "client_connection.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <optional>

namespace ranking {

namespace beast = boost::beast;
namespace http = beast::http;

struct ClientConnection::Impl {
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::string host;
    std::string authorization;
    std::optional<std::uint64_t> body_limit;
};

ClientConnection::ClientConnection(net::any_io_executor executor)
    : impl_(std::make_unique<Impl>(Impl{beast::tcp_stream(std::move(executor)), {}, {}, {}, {}})) {}

ClientConnection::~ClientConnection() = default;

net::awaitable<error_code> ClientConnection::connect(std::string host, std::string port,
                                                     std::chrono::milliseconds timeout) {
    tcp::resolver resolver(impl_->stream.get_executor());
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, use_nothrow);
    if (resolve_ec) co_return resolve_ec;
    impl_->stream.expires_after(timeout);
    auto [ec, endpoint] = co_await impl_->stream.async_connect(endpoints, use_nothrow);
    (void)endpoint;
    if (!ec) impl_->stream.socket().set_option(tcp::no_delay(true));
    impl_->host = std::move(host);
    co_return ec;
}

net::awaitable<error_code> ClientConnection::request(std::string_view method,
                                                     std::string_view target, std::string body,
                                                     std::chrono::milliseconds timeout,
                                                     HttpResponse& response,
                                                     std::string_view content_type) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, impl_->host);
    req.set(http::field::user_agent, "ranking-client");
    if (!impl_->authorization.empty()) req.set(http::field::authorization, impl_->authorization);
    if (req.method() == http::verb::unknown) req.method_string(method);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();

    impl_->stream.expires_after(timeout);
    auto [write_ec, written] = co_await http::async_write(impl_->stream, req, use_nothrow);
    (void)written;
    if (write_ec) co_return write_ec;

    http::response_parser<http::string_body> parser;
    if (impl_->body_limit) parser.body_limit(*impl_->body_limit);
    // The expiry set before the write still runs: one deadline for the whole exchange.
    auto [head_ec, head_read] =
        co_await http::async_read_header(impl_->stream, impl_->buffer, parser, use_nothrow);
    (void)head_read;
    if (head_ec) co_return head_ec;
    response.head_received = std::chrono::steady_clock::now();
    auto [read_ec, read] =
        co_await http::async_read(impl_->stream, impl_->buffer, parser, use_nothrow);
    (void)read;
    if (read_ec) co_return read_ec;
    auto res = parser.release();

    response.status = static_cast<int>(res.result_int());
    response.body = std::move(res.body());
    response.allow = std::string(res[http::field::allow]);
    response.retry_after = std::string(res[http::field::retry_after]);
    response.keep_alive = res.keep_alive();
    co_return error_code{};
}

void ClientConnection::set_authorization(std::string value) {
    impl_->authorization = std::move(value);
}

void ClientConnection::set_body_limit(std::uint64_t bytes) {
    impl_->body_limit = bytes;
}

void ClientConnection::close() {
    error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.close();
}

} // namespace ranking
