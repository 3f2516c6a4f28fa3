#pragma once
// One libpq connection, awaited on the loop: the glue between libpq's non-blocking API and Asio.
// A query is sent with PQsendQueryParams, flushed with PQflush, and its results are collected
// with PQconsumeInput / PQisBusy / PQgetResult while the coroutine waits for the socket to be
// readable through Asio; no thread anywhere. The blocking twins (PQconnectdb, PQexecParams) are
// the same statements run on the calling thread: the mistake this server teaches, when that
// thread is the loop.
//
// One statement at a time per connection (no pipelining): the caller serialises its queries.
// Parameters and results travel as text; doubles are written and read shortest-exact so that
// values survive the round trip bit for bit.
#include "net.hpp"

#include <libpq-fe.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ranking {

struct PgResultFree {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

// A statement failed or the connection is gone (PgConnection::connected() tells which).
class PgError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Text parameters for a statement, and values read back from a result.
std::string pg_text(double value);
std::string pg_text(std::int64_t value);
double pg_double(const PGresult* result, int row, int column);
std::int64_t pg_integer(const PGresult* result, int row, int column);
std::string pg_string(const PGresult* result, int row, int column);

class PgConnection {
public:
    // `conninfo` may hold a password: no message of this class shows it (see secrets_).
    PgConnection(net::any_io_executor executor, std::string conninfo);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    bool connected() const noexcept;
    bool in_transaction() const noexcept; // open or failed, so that ROLLBACK has work to do
    std::string database() const; // its name, for messages (the conninfo may hold a password)

    // (Re)connects; throws PgError (at once for a conninfo libpq cannot parse). The awaitable
    // one polls the handshake on the loop.
    net::awaitable<void> connect();
    void connect_blocking();
    void close() noexcept;

    // Runs one statement and returns its (last) result; throws PgError on any error. The
    // awaitable starts only when awaited: it owns `sql` (a view of a temporary would dangle by
    // then), while `params` must outlive it.
    net::awaitable<PgResult> query(std::string sql, std::span<const std::string> params = {});
    PgResult query_blocking(std::string_view sql, std::span<const std::string> params = {});

    // For an idle connection (no statement in flight): reads whatever the server sent, and
    // false (closed) if it has closed the connection, which a connection left idle across a
    // database restart only finds out this way or on its next statement.
    bool alive() noexcept;

    // After LISTEN: waits until at least one notification has arrived (those that came with
    // earlier answers count), consumes them all and returns how many; throws PgError when the
    // connection is lost. No statement may be in flight on this connection meanwhile.
    net::awaitable<int> notifications();

private:
    struct Finish {
        void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
    };

    net::awaitable<void> wait(net::posix::descriptor_base::wait_type what);
    // Closes the connection, throws PgError: `doing`, libpq's message, the statement if any.
    [[noreturn]] void fail(std::string_view doing, std::string_view sql = {});
    [[noreturn]] void refuse_malformed() const;
    std::string redacted(std::string message) const; // every secret masked
    void watch_socket();

    net::any_io_executor executor_;
    std::string conninfo_;
    // What no message may show, longest first: the conninfo itself and the passwords in it.
    // libpq quotes a conninfo it cannot parse (the password with it), and a server quotes the
    // database name, which libpq does not expand here: "dbname=postgresql://u:pw@h/db" is
    // taken as a name. A conninfo libpq cannot parse is refused with a message of our own.
    std::vector<std::string> secrets_;
    bool malformed_ = false;
    std::unique_ptr<PGconn, Finish> connection_;
    // Asio watches a dup() of libpq's socket, never the socket itself: libpq closes its own
    // descriptor when it drops a broken connection, and a number closed under Asio's reactor
    // could be reused by another socket before we noticed. The dup keeps our registration
    // valid until we close it, and closing it never closes libpq's socket.
    std::optional<net::posix::stream_descriptor> watched_;
    int watched_socket_ = -1; // libpq's descriptor that `watched_` is a dup of
};

} // namespace ranking
