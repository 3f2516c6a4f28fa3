#include "server_connection.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace ranking {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Beast's parser with our own callbacks: it fills an IncomingRequest in place and keeps no map
// of header fields, so reading a request allocates nothing once the strings have grown.
class RequestReader final : public http::basic_parser<true> {
public:
    RequestReader(IncomingRequest& request, const ConnectionLimits& limits)
        : request_(request), body_limit_(limits.body_limit) {
        header_limit(limits.header_limit);
        body_limit(limits.body_limit);
        for (auto* text :
             {&request_.method, &request_.target, &request_.body, &request_.authorization,
              &request_.host, &request_.origin, &request_.content_type})
            text->clear();
        request_.keep_alive = true;
        request_.head = false;
    }
    bool has_expect() const { return expect_; }
    bool has_transfer_encoding() const { return transfer_encoding_; }
    bool takes_body() const { return takes_body_; }
    // Beast's parser compares its header limit with what is not parsed yet only: a client that
    // sends the fields one by one never reaches it. The total is counted here.
    bool header_over(std::size_t more, std::uint32_t limit) {
        header_bytes_ += more;
        return header_bytes_ > limit;
    }
    int hosts() const { return hosts_; }
    int version() const { return version_; }

private:
    void on_request_impl(http::verb verb, beast::string_view method, beast::string_view target,
                         int version, error_code&) override {
        version_ = version;
        request_.head = verb == http::verb::head;
        if (request_.head)
            request_.method.assign("GET");
        else
            request_.method.assign(method.data(), method.size());
        request_.target.assign(target.data(), target.size());
        // Set before the fields are read: a Content-Length over it is refused at once.
        takes_body_ = verb == http::verb::post || verb == http::verb::put;
        body_limit(takes_body_ ? body_limit_ : 0);
    }
    void on_response_impl(int, beast::string_view, int, error_code&) override {}
    void on_field_impl(http::field name, beast::string_view, beast::string_view value,
                       error_code&) override {
        switch (name) {
        case http::field::authorization:
            request_.authorization.assign(value.data(), value.size());
            break;
        case http::field::host:
            ++hosts_;
            request_.host.assign(value.data(), value.size());
            break;
        case http::field::origin:
            request_.origin.assign(value.data(), value.size());
            break;
        case http::field::content_type:
            request_.content_type.assign(value.data(), value.size());
            break;
        case http::field::expect:
            expect_ = true;
            break;
        case http::field::transfer_encoding:
            transfer_encoding_ = true;
            break;
        default:
            break;
        }
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        // The parser has already refused a length past the body limit.
        if (length) request_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(beast::string_view body, error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    // Never reached: a chunked request is refused once its header is in (refuse_header()).
    void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view, error_code&) override {
        return 0;
    }
    void on_finish_impl(error_code&) override { request_.keep_alive = keep_alive(); }

    IncomingRequest& request_;
    std::uint64_t body_limit_;
    bool expect_ = false;
    bool transfer_encoding_ = false;
    bool takes_body_ = false;
    std::size_t header_bytes_ = 0;
    int hosts_ = 0;
    int version_ = 11;
};

} // namespace

struct ServerConnection::Exchange {
    beast::flat_buffer bytes; // read, not yet parsed: the rest of a request or the next one
    IncomingRequest request;
    Reply reply;
    std::string head; // the answer's status line and header fields, written in place
    // The request being parsed: kept here so that a read that must wait resumes where it was.
    std::optional<RequestReader> reader;
    bool header_checked = false;
    // What write_now() could not send yet: write_more() sends it.
    net::const_buffer unsent_head, unsent_body;
};

namespace {

constexpr std::size_t write_chunk = 64 * 1024; // Asio's own per-turn size for async_write
// What an exchange may keep when it goes back to the pool; more was a large request or answer,
// and is freed rather than held by an idle pool.
constexpr std::size_t kept_buffer_bytes = 16 * 1024;
constexpr std::size_t kept_reply_bytes = 64 * 1024;
// Exchanges kept for reuse per thread: enough for the requests in flight on a busy loop.
constexpr std::size_t kept_exchanges = 256;

void clear_for_reuse(ServerConnection::Exchange& exchange) {
    exchange.bytes.clear();
    if (exchange.bytes.capacity() > kept_buffer_bytes) exchange.bytes.shrink_to_fit();
    for (auto* text : {&exchange.request.body, &exchange.reply.body, &exchange.head})
        if (text->capacity() > kept_reply_bytes) std::string().swap(*text);
    exchange.reply.events.reset(); // a stream's callback may hold the dashboard's state
    exchange.reply.held.reset();
    exchange.request.head = false; // a refusal written without a request must carry its body
    exchange.reader.reset();
}

// Exchanges not in use on this thread (each plane's loop is one thread, so no lock).
class ExchangePool {
public:
    ExchangePool() { free_.reserve(kept_exchanges); } // give_back() never allocates
    std::unique_ptr<ServerConnection::Exchange> take() {
        if (free_.empty()) return std::make_unique<ServerConnection::Exchange>();
        auto exchange = std::move(free_.back());
        free_.pop_back();
        return exchange;
    }
    void give_back(std::unique_ptr<ServerConnection::Exchange> exchange) {
        if (free_.size() >= kept_exchanges) return; // freed: the burst is over
        clear_for_reuse(*exchange);
        free_.push_back(std::move(exchange));
    }

private:
    std::vector<std::unique_ptr<ServerConnection::Exchange>> free_;
};

ExchangePool& this_thread_pool() {
    thread_local ExchangePool pool;
    return pool;
}

// Resets the reply to a 200 JSON answer, keeping the strings' capacity unless the last answer
// was a large one (its memory is no longer charged to the answer budget).
void reset(Reply& reply) {
    reply.status = 200;
    reply.body.clear();
    if (reply.body.capacity() > kept_reply_bytes) std::string().swap(reply.body);
    reply.held.reset();
    reply.www_authenticate.clear();
    reply.no_framing = false;
    reply.allow.clear();
    reply.retry_after_seconds = 0;
    reply.location.clear();
    reply.content_type.assign("application/json");
    reply.events.reset();
}

std::optional<Reply> reply_for_read_error(const error_code& ec, const RequestReader* reader) {
    if (ec == http::error::header_limit) return error_reply(431, "request headers too large");
    if (ec == http::error::body_limit && reader && !reader->takes_body())
        return error_reply(413, "only POST and PUT take a request body here");
    if (ec == http::error::body_limit) return error_reply(413, "request body too large");
    if (ec == http::error::bad_transfer_encoding)
        return error_reply(501, "unsupported Transfer-Encoding; send the body with a "
                                "Content-Length");
    const auto& http_errors = make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_errors && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
        return error_reply(400, "malformed HTTP request");
    return std::nullopt; // closed, reset, timed out: nobody to answer
}

// Checked once the header is in, before waiting for any body.
std::optional<Reply> refuse_header(const RequestReader& reader) {
    if (reader.hosts() > 1) return error_reply(400, "more than one Host header");
    if (reader.hosts() == 0 && reader.version() >= 11)
        return error_reply(400, "an HTTP/1.1 request needs a Host header");
    if (reader.has_expect())
        return error_reply(417, "Expect is not supported; send the request without it");
    // Bodies here are small and always have a length; a chunked one could make us buffer a
    // chunk-size line or a trailer without end (Beast's parser bounds neither).
    if (reader.has_transfer_encoding() && reader.chunked())
        return error_reply(411, "send the body with a Content-Length; chunked bodies are not "
                                "accepted");
    if (reader.has_transfer_encoding())
        return error_reply(501, "unsupported Transfer-Encoding; send the body with a "
                                "Content-Length");
    return std::nullopt;
}

enum class Parsed { done, need_more, refused, gone };

// Feeds the parser what `bytes` holds and consumes what it used. On `refused`, `refusal` holds
// the error to answer with.
Parsed feed(RequestReader& reader, beast::flat_buffer& bytes, bool& header_checked,
            std::uint32_t header_limit, Reply& refusal) {
    for (;;) {
        error_code ec;
        const bool in_header = !reader.is_header_done();
        const auto used = reader.put(bytes.data(), ec);
        bytes.consume(used);
        if (in_header && reader.header_over(used, header_limit)) {
            refusal = error_reply(431, "request headers too large");
            return Parsed::refused;
        }
        if (ec == http::error::need_more) return Parsed::need_more;
        if (ec) {
            auto reply = reply_for_read_error(ec, &reader);
            if (!reply) return Parsed::gone;
            refusal = std::move(*reply);
            return Parsed::refused;
        }
        if (reader.is_header_done() && !header_checked) {
            header_checked = true;
            if (auto refused = refuse_header(reader)) {
                refusal = std::move(*refused);
                return Parsed::refused;
            }
        }
        if (reader.is_done()) return Parsed::done;
        if (used == 0 || bytes.size() == 0) return Parsed::need_more;
    }
}

void append_number(std::string& out, std::uint64_t value) {
    char digits[24];
    const auto end = std::to_chars(std::begin(digits), std::end(digits), value).ptr;
    out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

// The status line and header fields of an answer. Beast names the status; the fields are the
// few we send, written straight into a buffer the connection reuses (Beast's serializer and
// field map allocate per field, a large share of a cheap request's own cost).
void write_head(std::string& out, const Reply& reply, bool keep_alive) {
    out.clear();
    out.append("HTTP/1.1 ");
    append_number(out, static_cast<std::uint64_t>(reply.status));
    out.push_back(' ');
    out.append(http::obsolete_reason(static_cast<http::status>(reply.status)));
    out.append("\r\n");
    append_field(out, "Server", "ranking-server");
    append_field(out, "Content-Type", reply.content_type);
    if (!reply.allow.empty()) append_field(out, "Allow", reply.allow);
    if (!reply.location.empty()) append_field(out, "Location", reply.location);
    if (!reply.www_authenticate.empty())
        append_field(out, "WWW-Authenticate", reply.www_authenticate);
    if (reply.no_framing) {
        append_field(out, "X-Frame-Options", "DENY");
        append_field(out, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    }
    if (reply.retry_after_seconds > 0) {
        out.append("Retry-After: ");
        append_number(out, static_cast<std::uint64_t>(reply.retry_after_seconds));
        out.append("\r\n");
    }
    if (!keep_alive) append_field(out, "Connection", "close");
    out.append("Content-Length: ");
    append_number(out, reply.body.size());
    out.append("\r\n\r\n");
}

} // namespace

void ServerConnection::ReturnToPool::operator()(Exchange* exchange) const noexcept {
    this_thread_pool().give_back(std::unique_ptr<Exchange>(exchange));
}

std::size_t max_request_bytes(const ConnectionLimits& limits) {
    return limits.header_limit + limits.body_limit + read_step_bytes;
}

ReadResult parse_request(std::string_view raw, const ConnectionLimits& limits) {
    beast::flat_buffer bytes;
    const auto space = bytes.prepare(raw.size());
    std::copy(raw.begin(), raw.end(), static_cast<char*>(space.data()));
    bytes.commit(raw.size());
    IncomingRequest request;
    Reply refusal;
    RequestReader reader(request, limits);
    bool header_checked = false;
    switch (feed(reader, bytes, header_checked, limits.header_limit, refusal)) {
    case Parsed::done:
        return {std::move(request), std::nullopt};
    case Parsed::refused:
        return {std::nullopt, std::move(refusal)};
    case Parsed::gone:
        return {};
    case Parsed::need_more:
        break;
    }
    error_code ec;
    reader.put_eof(ec); // nothing more will come: the peer closed here
    if (ec) return {std::nullopt, reply_for_read_error(ec, &reader)};
    return {std::move(request), std::nullopt};
}

ServerConnection::ServerConnection(tcp::socket socket, const ConnectionLimits& limits)
    : socket_(std::move(socket)), limits_(limits) {
    error_code ignored;
    socket_.non_blocking(true, ignored); // reads and writes are tried at once, then awaited
}

ServerConnection::~ServerConnection() = default;

ServerConnection::Exchange& ServerConnection::exchange() {
    if (!exchange_) exchange_.reset(this_thread_pool().take().release());
    return *exchange_;
}

IncomingRequest& ServerConnection::request() {
    return exchange().request;
}

Reply& ServerConnection::reply() {
    return exchange().reply;
}

bool ServerConnection::has_buffered_bytes() const noexcept {
    return exchange_ && exchange_->bytes.size() > 0;
}

std::size_t ServerConnection::request_bytes() const noexcept {
    return exchange_ ? exchange_->bytes.size() + exchange_->request.body.size() : 0;
}

void ServerConnection::release_exchange() noexcept {
    if (exchange_ && exchange_->bytes.size() == 0) exchange_.reset();
}

void ServerConnection::keep_first_bytes(std::size_t bytes) {
    auto& buffered = exchange().bytes;
    const auto space = buffered.prepare(bytes);
    std::memcpy(space.data(), first_bytes_.data(), bytes);
    buffered.commit(bytes);
}

ReadOutcome ServerConnection::read_now() {
    auto& current = exchange();
    if (!current.reader) { // a new request
        reset(current.reply);
        current.reader.emplace(current.request, limits_);
        current.header_checked = false;
    }
    for (;;) {
        if (current.bytes.size() > 0) {
            switch (feed(*current.reader, current.bytes, current.header_checked,
                         limits_.header_limit, current.reply)) {
            case Parsed::done:
                current.reader.reset();
                return ReadOutcome::request;
            case Parsed::refused:
                current.reader.reset();
                return ReadOutcome::refused;
            case Parsed::gone:
                current.reader.reset();
                return ReadOutcome::gone;
            case Parsed::need_more:
                break;
            }
        }
        error_code ec;
        const auto bytes = socket_.read_some(current.bytes.prepare(read_step_bytes), ec);
        if (ec == net::error::would_block) return ReadOutcome::incomplete;
        if (ec) { // closed, reset or timed out mid-request
            current.reader.reset();
            return ReadOutcome::gone;
        }
        current.bytes.commit(bytes);
    }
}

net::awaitable<ReadOutcome> ServerConnection::read_request() {
    for (;;) {
        const auto outcome = read_now();
        if (outcome != ReadOutcome::incomplete) co_return outcome;
        auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, use_nothrow);
        if (ec) {
            exchange().reader.reset();
            co_return ReadOutcome::gone;
        }
    }
}

WriteOutcome ServerConnection::send_now(net::const_buffer head, net::const_buffer body) {
    // At most one chunk now, as async_write's later turns take: a large answer (the export's
    // megabytes) would otherwise hold the loop for the whole copy into the socket.
    const std::array<net::const_buffer, 2> buffers{
        head, net::buffer(body, write_chunk - std::min(write_chunk, head.size()))};
    error_code ec;
    std::size_t sent = socket_.write_some(buffers, ec);
    if (ec == net::error::would_block) {
        ec = {};
        sent = 0;
    }
    auto& current = exchange();
    current.unsent_head = {};
    current.unsent_body = {};
    if (ec) return WriteOutcome::failed;
    if (sent == head.size() + body.size()) return WriteOutcome::done;
    const std::size_t from_head = std::min(sent, head.size());
    current.unsent_head = head + from_head;
    current.unsent_body = body + (sent - from_head);
    return WriteOutcome::pending;
}

WriteOutcome ServerConnection::write_now(bool keep_alive) {
    auto& current = exchange();
    write_head(current.head, current.reply, keep_alive);
    const auto body = current.request.head ? net::const_buffer() : net::buffer(current.reply.body);
    return send_now(net::buffer(current.head), body);
}

net::awaitable<WriteOutcome> ServerConnection::write_more() {
    auto [ec] = co_await socket_.async_wait(tcp::socket::wait_write, use_nothrow);
    if (ec) co_return WriteOutcome::failed;
    auto& current = exchange();
    co_return send_now(current.unsent_head, current.unsent_body);
}

WriteOutcome ServerConnection::write_event_stream_head() {
    auto& current = exchange();
    current.head.assign("HTTP/1.1 200 OK\r\n");
    append_field(current.head, "Server", "ranking-server");
    append_field(current.head, "Content-Type", "text/event-stream");
    append_field(current.head, "Cache-Control", "no-cache");
    append_field(current.head, "Connection", "close"); // the body ends when the connection does
    current.head.append("\r\n");
    return send_now(net::buffer(current.head), net::const_buffer());
}

WriteOutcome ServerConnection::write_event(const std::string& data) {
    auto& current = exchange();
    current.head.assign("data: ").append(data).append("\n\n");
    return send_now(net::buffer(current.head), net::const_buffer());
}

void ServerConnection::cancel() {
    error_code ignored;
    socket_.cancel(ignored);
}

void ServerConnection::close() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

} // namespace ranking
