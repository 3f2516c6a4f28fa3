#include "server_connection.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace ranking {

namespace beast = boost::beast;
namespace http = beast::http;

struct ServerConnection::Impl {
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    ConnectionLimits limits;
};

ServerConnection::ServerConnection(tcp::socket socket, ConnectionLimits limits)
    : impl_(std::make_unique<Impl>(Impl{beast::tcp_stream(std::move(socket)), {}, limits})) {}

ServerConnection::~ServerConnection() = default;

namespace {

std::optional<Reply> reply_for_read_error(const error_code& ec) {
    if (ec == http::error::header_limit) return error_reply(431, "request headers too large");
    if (ec == http::error::body_limit) return error_reply(413, "request body too large");
    const auto& http_errors = make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_errors && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
        return error_reply(400, "malformed HTTP request");
    return std::nullopt; // closed, reset, timed out: nobody to answer
}

} // namespace

net::awaitable<ReadResult> ServerConnection::read_request() {
    http::request_parser<http::string_body> parser;
    parser.header_limit(impl_->limits.header_limit);
    parser.body_limit(impl_->limits.body_limit);
    // tcp_stream's expiry covers one operation and does not reset itself: arm it per read.
    impl_->stream.expires_after(impl_->limits.read_timeout);
    auto [ec, bytes] = co_await http::async_read(impl_->stream, impl_->buffer, parser, use_nothrow);
    (void)bytes;
    if (ec) co_return ReadResult{std::nullopt, reply_for_read_error(ec)};

    auto& message = parser.get();
    co_return ReadResult{IncomingRequest{std::string(message.method_string()),
                                         std::string(message.target()), std::move(message.body()),
                                         message.keep_alive()},
                         std::nullopt};
}

net::awaitable<bool> ServerConnection::write_reply(const Reply& reply, bool keep_alive) {
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    response.set(http::field::server, "ranking-server");
    response.set(http::field::content_type, reply.content_type);
    if (!reply.allow.empty()) response.set(http::field::allow, reply.allow);
    response.keep_alive(keep_alive);
    response.body() = reply.body;
    response.prepare_payload();
    impl_->stream.expires_after(impl_->limits.write_timeout);
    auto [ec, bytes] = co_await http::async_write(impl_->stream, response, use_nothrow);
    (void)bytes;
    co_return !ec;
}

net::awaitable<bool> ServerConnection::write_event_stream_head() {
    http::response<http::empty_body> head{http::status::ok, 11};
    head.set(http::field::server, "ranking-server");
    head.set(http::field::content_type, "text/event-stream");
    head.set(http::field::cache_control, "no-cache");
    head.keep_alive(false); // the body ends when the connection does
    http::response_serializer<http::empty_body> serializer{head};
    impl_->stream.expires_after(impl_->limits.write_timeout);
    auto [ec, bytes] = co_await http::async_write_header(impl_->stream, serializer, use_nothrow);
    (void)bytes;
    co_return !ec;
}

net::awaitable<bool> ServerConnection::write_event(const std::string& data) {
    const std::string frame = "data: " + data + "\n\n";
    impl_->stream.expires_after(impl_->limits.write_timeout);
    auto [ec, bytes] = co_await net::async_write(impl_->stream, net::buffer(frame), use_nothrow);
    (void)bytes;
    co_return !ec;
}

void ServerConnection::close() {
    error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.close();
}

} // namespace ranking
