#include "server_connection.hpp"

#include "request_reader.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include <array>
#include <charconv>
#include <cstring>
#include <vector>

namespace ranking {

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
// A body up to this size is copied after the head, and the answer goes out as one buffer: the
// kernel's send() takes it for less than sendmsg() takes a vector of two.
constexpr std::size_t copied_body_bytes = 4096;
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
    reply.content_security_policy.clear();
    reply.allow_origin.clear();
    reply.allow.clear();
    reply.retry_after_seconds = 0;
    reply.location.clear();
    reply.content_type.assign("application/json");
    reply.events.reset();
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
    if (reply.no_framing) append_field(out, "X-Frame-Options", "DENY");
    if (!reply.content_security_policy.empty())
        append_field(out, "Content-Security-Policy", reply.content_security_policy);
    if (!reply.allow_origin.empty()) {
        append_field(out, "Access-Control-Allow-Origin", reply.allow_origin);
        append_field(out, "Vary", "Origin");
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

ServerConnection::ServerConnection(LoopSocket socket, const ConnectionLimits& limits)
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
        auto [ec] = co_await socket_.async_wait(LoopSocket::wait_read, use_nothrow);
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
    std::size_t sent =
        body.size() == 0 ? socket_.write_some(head, ec) : socket_.write_some(buffers, ec);
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
    if (body.size() <= copied_body_bytes) { // one buffer: send(), not sendmsg()
        current.head.append(static_cast<const char*>(body.data()), body.size());
        return send_now(net::buffer(current.head), net::const_buffer());
    }
    return send_now(net::buffer(current.head), body);
}

net::awaitable<WriteOutcome> ServerConnection::write_more() {
    auto [ec] = co_await socket_.async_wait(LoopSocket::wait_write, use_nothrow);
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
    socket_.shutdown(LoopSocket::shutdown_both, ignored);
    socket_.close(ignored);
}

} // namespace ranking
