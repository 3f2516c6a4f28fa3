#include "http_session.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <exception>
#include <memory>

namespace ranking {
namespace {

// One connection, on the heap for its whole life: owned by its pending read while parked, by
// the handler serving it, or by the coroutine that continues when something must wait.
struct Session {
    Session(tcp::socket socket, const PlaneSetting& setting, const net::ip::address* peer)
        : plane(setting), connection(std::move(socket), setting.limits),
          member(setting.registry, connection, peer) {}
    ~Session() { connection.close(); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const PlaneSetting& plane;
    ServerConnection connection;
    ConnectionRegistry::Membership member;
};
using SessionPtr = std::unique_ptr<Session>;

Reply internal_error(const std::exception& e) {
    std::fprintf(stderr, "ranking-server: request failed: %s\n", e.what());
    return error_reply(500, "internal error");
}

// The handler's answer without waiting, in place. False when the request must wait.
bool answer_at_once(Session& session) {
    const auto& at_once = session.plane.handler.at_once;
    if (!at_once) return false;
    try {
        return at_once(session.connection.request(), session.connection.reply());
    } catch (const std::exception& e) {
        session.connection.reply() = internal_error(e);
        return true;
    }
}

net::awaitable<void> answer_later(Session& session) {
    try {
        auto& connection = session.connection;
        connection.reply() = co_await session.plane.handler.later(std::move(connection.request()));
    } catch (const std::exception& e) {
        session.connection.reply() = internal_error(e);
    }
}

// What the socket did not take at once, one write at a time: the write timeout runs between
// writes that make progress (a slow honest reader keeps its connection; one that takes nothing
// for that long is closed by the sweep), and until then the answer is charged to the plane's
// answer budget, which new large answers must find room in.
net::awaitable<bool> finish_writing(Session& session, WriteOutcome outcome) {
    auto& connection = session.connection;
    if (outcome == WriteOutcome::pending && session.plane.answer_budget) {
        auto& reply = connection.reply();
        if (!reply.held)
            reply.held = std::make_shared<const MemoryBudget::Lease>(
                session.plane.answer_budget->take(reply.body.capacity()));
    }
    while (outcome == WriteOutcome::pending) {
        session.member.busy(session.plane.limits.write_timeout);
        outcome = co_await connection.write_more();
    }
    co_return outcome == WriteOutcome::done;
}

// An endless answer (the dashboard's feed) until the peer leaves, the source ends or we stop.
net::awaitable<void> stream_events(Session& session, const EventSource& source) {
    auto& connection = session.connection;
    const auto& limits = session.plane.limits;
    session.member.busy(limits.write_timeout);
    if (!co_await finish_writing(session, connection.write_event_stream_head())) co_return;
    if (connection.request().head) co_return; // HEAD: the head only
    net::steady_timer tick(co_await net::this_coro::executor);
    while (!session.plane.registry.stopping()) {
        const auto event = source.next();
        if (!event) co_return;
        session.member.busy(limits.write_timeout);
        if (!co_await finish_writing(session, connection.write_event(*event))) co_return;
        session.member.busy_without_deadline();
        tick.expires_after(source.interval);
        co_await tick.async_wait(use_nothrow);
    }
}

void serve(SessionPtr session);

// Idle until the next request; a pipelined one is already here and is served at once.
void park(SessionPtr session) {
    if (session->connection.has_buffered_bytes()) return serve(std::move(session));
    session->member.idle(session->plane.limits.idle_timeout); // a stop or the sweep may close it
    auto& connection = session->connection;
    connection.async_wait_request([session = std::move(session)](error_code ec) mutable {
        if (!ec) serve(std::move(session)); // else closed, cancelled or reset: it ends here
    });
}

// Where the coroutine takes over from serve().
enum class Stage { read, answer, write_rest };

// One request that must wait somewhere (for its rest, its answer or the socket), then back to
// park(), which hands a pipelined next request to serve().
net::awaitable<void> serve_waiting(SessionPtr owned, Stage stage, bool keep_alive) {
    Session& session = *owned;
    auto& connection = session.connection;
    const auto& limits = session.plane.limits;
    bool answered = false;
    if (stage == Stage::read) {
        session.member.busy(limits.request_timeout);
        const auto outcome = co_await connection.read_request();
        if (outcome == ReadOutcome::gone) co_return;
        session.member.request_read();
        if (outcome == ReadOutcome::refused) {
            session.member.busy(limits.write_timeout);
            co_await finish_writing(session, connection.write_now(false));
            session.member.request_answered();
            co_return;
        }
        keep_alive = connection.request().keep_alive;
        answered = answer_at_once(session);
    }
    bool written = false;
    if (stage == Stage::write_rest) {
        written = co_await finish_writing(session, WriteOutcome::pending);
    } else {
        if (!answered) {
            session.member.busy_without_deadline(); // the hash or the store: no deadline
            co_await answer_later(session);
        }
        if (const auto& events = connection.reply().events) {
            co_await stream_events(session, *events);
            co_return;
        }
        keep_alive = keep_alive && !session.plane.registry.stopping();
        session.member.busy(limits.write_timeout);
        written = co_await finish_writing(session, connection.write_now(keep_alive));
    }
    session.member.request_answered(); // written, or tried: the peer may be gone
    if (written && keep_alive) park(std::move(owned));
}

void log_session_error(const std::string& plane, const std::exception& e) {
    std::fprintf(stderr, "%s: session ended by error: %s\n", plane.c_str(), e.what());
}

void continue_waiting(SessionPtr session, Stage stage, bool keep_alive) {
    const auto executor = session->connection.executor();
    const std::string* name = &session->plane.name;
    net::co_spawn(executor, serve_waiting(std::move(session), stage, keep_alive),
                  [name](std::exception_ptr e) {
                      if (!e) return;
                      try {
                          std::rethrow_exception(e);
                      } catch (const std::exception& what) {
                          log_session_error(*name, what);
                      }
                  });
}

// Pipelined requests served in one go before the others get the loop back.
constexpr int requests_per_turn = 16;

// The cheap path, on the stack of the read that woke the connection: whole requests answered
// and written at once.
void serve_now(SessionPtr& session) {
    auto& connection = session->connection;
    const auto& limits = session->plane.limits;
    for (int served = 0;; ++served) {
        if (served == requests_per_turn) { // a client pipelining without end: others first
            const auto executor = connection.executor();
            net::post(executor,
                      [session = std::move(session)]() mutable { serve(std::move(session)); });
            return;
        }
        session->member.busy(limits.request_timeout);
        const auto outcome = connection.read_now();
        if (outcome == ReadOutcome::gone) return;
        if (outcome == ReadOutcome::incomplete)
            return continue_waiting(std::move(session), Stage::read, false);
        session->member.request_read();
        if (outcome == ReadOutcome::refused) { // the error, then close
            session->member.busy(limits.write_timeout);
            if (connection.write_now(false) == WriteOutcome::pending)
                return continue_waiting(std::move(session), Stage::write_rest, false);
            session->member.request_answered();
            return;
        }
        const bool keep_alive_asked = connection.request().keep_alive;
        if (!answer_at_once(*session))
            return continue_waiting(std::move(session), Stage::answer, keep_alive_asked);
        const bool keep_alive = keep_alive_asked && !session->plane.registry.stopping();
        session->member.busy(limits.write_timeout);
        const auto written = connection.write_now(keep_alive);
        if (written == WriteOutcome::pending)
            return continue_waiting(std::move(session), Stage::write_rest, keep_alive);
        session->member.request_answered(); // written, or tried: the peer may be gone
        if (written == WriteOutcome::failed || !keep_alive) return;
        if (!connection.has_buffered_bytes()) return park(std::move(session));
    }
}

void serve(SessionPtr session) {
    const std::string& plane = session->plane.name; // the plane outlives the session
    try {
        serve_now(session);
    } catch (const std::exception& e) { // out of memory, most likely: this connection ends
        log_session_error(plane, e);
    }
}

} // namespace

void start_session(tcp::socket socket, const PlaneSetting& plane,
                   const net::ip::address* counted_peer) {
    park(std::make_unique<Session>(std::move(socket), plane, counted_peer));
}

void refuse_connection(tcp::socket socket, const PlaneSetting& plane, const std::string& why) {
    ServerConnection connection(std::move(socket), plane.limits);
    connection.reply() = retry_later_reply(why + "; retry later");
    // One small write into an empty socket buffer, tried once: no waiting, no timer.
    (void)connection.write_now(false);
    connection.close();
}

} // namespace ranking
