#include "pg_connection.hpp"

#include <algorithm>
#include <charconv>
#include <unistd.h>
#include <vector>

namespace ranking {
namespace {

using Wait = net::posix::descriptor_base::wait_type;

std::vector<const char*> values_of(std::span<const std::string> params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params)
        values.push_back(param.c_str());
    return values;
}

bool succeeded(const PGresult* result) {
    const auto status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// libpq's messages span lines ("FATAL: ...\nserver closed the connection..."): one line for logs.
std::string one_line(std::string message) {
    for (auto& c : message)
        if (c == '\n' || c == '\t') c = ' ';
    while (!message.empty() && message.back() == ' ')
        message.pop_back();
    return message;
}

// The statement a message is about, on one line and short: its first words.
std::string statement_of(std::string_view sql) {
    constexpr std::size_t most = 48;
    std::string words;
    for (const char c : sql) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && (words.empty() || words.back() == ' ')) continue;
        if (words.size() == most) return words + "...";
        words += space ? ' ' : c;
    }
    return words;
}

} // namespace

std::string pg_text(double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr; // shortest exact
    return {buffer, end};
}

std::string pg_text(std::int64_t value) {
    return std::to_string(value);
}

double pg_double(const PGresult* result, int row, int column) {
    const char* text = PQgetvalue(result, row, column);
    double value = 0;
    std::from_chars(text, text + PQgetlength(result, row, column), value);
    return value;
}

std::int64_t pg_integer(const PGresult* result, int row, int column) {
    const char* text = PQgetvalue(result, row, column);
    std::int64_t value = 0;
    std::from_chars(text, text + PQgetlength(result, row, column), value);
    return value;
}

std::string pg_string(const PGresult* result, int row, int column) {
    return {PQgetvalue(result, row, column),
            static_cast<std::size_t>(PQgetlength(result, row, column))};
}

PgConnection::PgConnection(net::any_io_executor executor, std::string conninfo)
    : executor_(std::move(executor)), conninfo_(std::move(conninfo)) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo_.c_str(), &error);
    PQfreemem(error); // it may quote the conninfo: never shown
    malformed_ = options == nullptr;
    for (auto* option = options; option && option->keyword; ++option) {
        const std::string_view key = option->keyword, value = option->val ? option->val : "";
        if (!value.empty() &&
            (key == "password" || key == "sslpassword" ||
             (key == "dbname" && value.find_first_of("@=") != std::string_view::npos)))
            secrets_.emplace_back(value);
    }
    PQconninfoFree(options);
    if (!conninfo_.empty()) secrets_.push_back(conninfo_);
    std::sort(secrets_.begin(), secrets_.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

PgConnection::~PgConnection() {
    close();
}

bool PgConnection::connected() const noexcept {
    return connection_ && PQstatus(connection_.get()) == CONNECTION_OK;
}

bool PgConnection::in_transaction() const noexcept {
    const auto status = connection_ ? PQtransactionStatus(connection_.get()) : PQTRANS_UNKNOWN;
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

std::string PgConnection::database() const {
    const char* name = connection_ ? PQdb(connection_.get()) : nullptr;
    return name ? redacted(name) : "?";
}

std::string PgConnection::redacted(std::string message) const {
    for (const auto& secret : secrets_)
        for (auto at = message.find(secret); at != std::string::npos;
             at = message.find(secret, at + 3))
            message.replace(at, secret.size(), "***");
    return message;
}

void PgConnection::close() noexcept {
    watched_.reset(); // our dup first: libpq's socket is closed by PQfinish below
    watched_socket_ = -1;
    connection_.reset();
}

void PgConnection::fail(std::string_view doing, std::string_view sql) {
    auto why =
        std::string(doing) + ": " +
        (connection_ ? redacted(one_line(PQerrorMessage(connection_.get()))) : "no connection");
    if (!sql.empty()) why += " (" + statement_of(sql) + ")";
    // A connection that could not connect, send or read is in an unknown state (a statement
    // may be half sent): drop it, so that connected() says false and the owner reconnects.
    close();
    throw PgError(why);
}

void PgConnection::refuse_malformed() const {
    throw PgError("the connection string is malformed (libpq's reason is not shown: "
                  "it may quote the string, password and all)");
}

void PgConnection::watch_socket() {
    const int socket = PQsocket(connection_.get());
    if (socket < 0) fail("watching the connection");
    if (watched_ && socket == watched_socket_) return;
    watched_.reset();
    const int copy = ::dup(socket);
    if (copy < 0) throw PgError("dup() of the PostgreSQL socket failed");
    watched_.emplace(executor_, copy);
    watched_socket_ = socket;
}

net::awaitable<void> PgConnection::wait(Wait what) {
    watch_socket();
    auto [ec] = co_await watched_->async_wait(what, use_nothrow);
    if (ec) throw PgError("waiting for PostgreSQL: " + ec.message());
}

net::awaitable<void> PgConnection::connect() {
    close();
    if (malformed_) refuse_malformed();
    connection_.reset(PQconnectStart(conninfo_.c_str()));
    if (!connection_ || PQstatus(connection_.get()) == CONNECTION_BAD) fail("connecting");
    // libpq's handshake loop: wait for what the last poll asked for (writable at first).
    auto status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED) fail("connecting");
        // During the handshake libpq may close its socket and open another with the same
        // number (the next address of a host): watch it afresh each round.
        watched_.reset();
        co_await wait(status == PGRES_POLLING_READING ? Wait::wait_read : Wait::wait_write);
        status = PQconnectPoll(connection_.get());
    }
    if (PQsetnonblocking(connection_.get(), 1) != 0) fail("switching to non-blocking mode");
}

void PgConnection::connect_blocking() {
    close();
    if (malformed_) refuse_malformed();
    connection_.reset(PQconnectdb(conninfo_.c_str()));
    if (!connected()) fail("connecting");
}

net::awaitable<PgResult> PgConnection::query(std::string sql, std::span<const std::string> params) {
    if (!connected()) throw PgError("not connected to PostgreSQL");
    auto* connection = connection_.get();
    const auto values = values_of(params);
    if (!PQsendQueryParams(connection, sql.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0))
        fail("sending a statement", sql);
    for (int flushed; (flushed = PQflush(connection)) != 0;) {
        if (flushed < 0) fail("sending a statement", sql);
        co_await wait(Wait::wait_write);
    }
    // Every result of the statement must be collected (until null) before the next one.
    PgResult last;
    std::optional<std::string> error;
    for (;;) {
        while (PQisBusy(connection)) {
            co_await wait(Wait::wait_read);
            if (!PQconsumeInput(connection)) fail("reading an answer", sql);
        }
        PgResult result(PQgetResult(connection));
        if (!result) break;
        if (!succeeded(result.get()) && !error)
            error = one_line(PQresultErrorMessage(result.get()));
        last = std::move(result);
    }
    if (error) throw PgError(redacted(*error) + " (" + statement_of(sql) + ")");
    co_return last;
}

bool PgConnection::alive() noexcept {
    if (!connected()) return false;
    // Non-blocking for a non-blocking connection; a blocking one has nothing to wait for
    // either: this reads only what already arrived, or the end of the stream.
    // A read that brings bytes (the server's last words, "FATAL: terminating connection") ends
    // there; the end of the stream shows on the next one. A live idle connection reads nothing.
    for (int read = 0; read < 3; ++read)
        if (!PQconsumeInput(connection_.get()) || !connected()) {
            close();
            return false;
        }
    return true;
}

net::awaitable<int> PgConnection::notifications() {
    if (!connected()) throw PgError("not connected to PostgreSQL");
    auto* connection = connection_.get();
    for (;;) {
        int count = 0;
        while (PGnotify* notify = PQnotifies(connection)) {
            PQfreemem(notify);
            ++count;
        }
        if (count > 0) co_return count;
        co_await wait(Wait::wait_read);
        // False also when the server closed the connection (a restart): its state is unknown.
        if (!PQconsumeInput(connection)) fail("listening");
    }
}

PgResult PgConnection::query_blocking(std::string_view sql, std::span<const std::string> params) {
    if (!connected()) throw PgError("not connected to PostgreSQL");
    const std::string text(sql);
    const auto values = values_of(params);
    PgResult result(PQexecParams(connection_.get(), text.c_str(), static_cast<int>(values.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0));
    if (!result) fail("running a statement", sql);
    if (!succeeded(result.get()))
        throw PgError(redacted(one_line(PQresultErrorMessage(result.get()))) + " (" +
                      statement_of(sql) + ")");
    return result;
}

} // namespace ranking
