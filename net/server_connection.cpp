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

using RequestParser = http::request_parser<http::string_body>;

void apply_limits(RequestParser& parser, const ConnectionLimits& limits) {
    parser.header_limit(limits.header_limit);
    parser.body_limit(limits.body_limit);
}

std::optional<Reply> reply_for_read_error(const error_code& ec) {
    if (ec == http::error::header_limit) return error_reply(431, "request headers too large");
    if (ec == http::error::body_limit) return error_reply(413, "request body too large");
    if (ec == http::error::bad_transfer_encoding)
        return error_reply(501, "unsupported Transfer-Encoding (only chunked is understood)");
    const auto& http_errors = make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_errors && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
        return error_reply(400, "malformed HTTP request");
    return std::nullopt; // closed, reset, timed out: nobody to answer
}

// Checked once the header is in, before waiting for any body.
std::optional<Reply> refuse_header(const RequestParser& parser) {
    if (parser.get().count(http::field::expect))
        return error_reply(417, "Expect is not supported; send the request without it");
    // Beast takes a request body without a final "chunked" as having none; refuse it instead.
    if (parser.get().count(http::field::transfer_encoding) && !parser.chunked())
        return error_reply(501, "unsupported Transfer-Encoding (only chunked is understood)");
    return std::nullopt;
}

IncomingRequest to_incoming(RequestParser& parser) {
    auto& message = parser.get();
    return IncomingRequest{std::string(message.method_string()), std::string(message.target()),
                           std::move(message.body()),
                           std::string(message[http::field::authorization]), message.keep_alive()};
}

} // namespace

ReadResult parse_request(std::string_view raw, const ConnectionLimits& limits) {
    RequestParser parser;
    apply_limits(parser, limits);
    error_code ec;
    bool header_checked = false;
    while (!parser.is_done()) {
        const auto used = parser.put(net::buffer(raw), ec);
        raw.remove_prefix(used);
        if (ec == http::error::need_more) {
            ec = {};
            parser.put_eof(ec); // nothing more will come: the peer closed here
            break;
        }
        if (ec) break;
        if (used == 0 && !parser.is_done()) { // no progress: treat the rest as missing
            parser.put_eof(ec);
            break;
        }
        if (parser.is_header_done() && !header_checked) {
            header_checked = true;
            if (auto refused = refuse_header(parser)) return {std::nullopt, std::move(refused)};
        }
    }
    if (ec) return {std::nullopt, reply_for_read_error(ec)};
    return {to_incoming(parser), std::nullopt};
}

net::awaitable<bool> ServerConnection::wait_for_request() {
    if (impl_->buffer.size() > 0) co_return true; // pipelined: the next request is already here
    // tcp_stream's expiry covers one operation and does not reset itself: arm it per read.
    impl_->stream.expires_after(impl_->limits.idle_timeout);
    auto [ec, bytes] =
        co_await impl_->stream.async_read_some(impl_->buffer.prepare(4096), use_nothrow);
    impl_->buffer.commit(bytes);
    co_return !ec;
}

net::awaitable<ReadResult> ServerConnection::read_request() {
    RequestParser parser;
    apply_limits(parser, impl_->limits);
    impl_->stream.expires_after(impl_->limits.request_timeout);
    auto [header_ec, header_bytes] =
        co_await http::async_read_header(impl_->stream, impl_->buffer, parser, use_nothrow);
    (void)header_bytes;
    if (header_ec) co_return ReadResult{std::nullopt, reply_for_read_error(header_ec)};
    if (auto refused = refuse_header(parser))
        co_return ReadResult{std::nullopt, std::move(refused)};

    auto [ec, bytes] = co_await http::async_read(impl_->stream, impl_->buffer, parser, use_nothrow);
    (void)bytes;
    if (ec) co_return ReadResult{std::nullopt, reply_for_read_error(ec)};
    co_return ReadResult{to_incoming(parser), std::nullopt};
}

net::awaitable<bool> ServerConnection::write_reply(const Reply& reply, bool keep_alive) {
    http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
    response.set(http::field::server, "ranking-server");
    response.set(http::field::content_type, reply.content_type);
    if (!reply.allow.empty()) response.set(http::field::allow, reply.allow);
    if (!reply.location.empty()) response.set(http::field::location, reply.location);
    if (reply.retry_after_seconds > 0)
        response.set(http::field::retry_after, std::to_string(reply.retry_after_seconds));
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

void ServerConnection::cancel() {
    impl_->stream.cancel();
}

void ServerConnection::close() {
    error_code ignored;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl_->stream.close();
}

} // namespace ranking
