#include "http_session.hpp"
#include "log.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <exception>
#include <memory>

namespace ranking {
namespace {

// One connection, on the heap for its whole life: owned by its pending read while parked, by
// the handler serving it, or by the coroutine that continues when something must wait.
struct Session {
    Session(LoopSocket socket, const PlaneSetting& setting, const net::ip::address* peer)
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
    log_format(LogLevel::error, "ranking-server: request failed: %s\n", e.what());
    return error_reply(500, "internal error");
}

// The answer that had to wait, into the connection's reply. A coroutine of its own, the result
// in a named variable: GCC 12 destroys a Reply temporary of `reply = co_await ...` inside the
// session's switch at the end of the frame too, constructed or not (ASan saw it destroy
// uninitialized memory).
net::awaitable<void> take_answer(Reply& reply, const LaterAnswer& later) {
    try {
        auto answering = later();
        auto answered = co_await std::move(answering);
        reply = std::move(answered);
    } catch (const std::exception& e) {
        reply = internal_error(e);
    }
}

// Where one request is in its life. The stages come in this order; each is passed at once when
// nothing must wait (move_on), or by the coroutine that waits for it (wait_then_move_on).
enum class Stage {
    read,   // the rest of the request
    answer, // the handler's answer, or its LaterAnswer
    write,  // what the socket did not take at once
    stream, // an endless answer (the dashboard's feed), until the peer or the source ends
    next,   // done; the connection waits for its next request
    close,  // done; the connection ends
};

struct RequestLife {
    Stage stage = Stage::read;
    // What the request asked, then what the write decides: a stopping server closes instead.
    bool keep_alive = false;
    LaterAnswer later; // the answer to wait for, when the handler gave one
};

void after_read(Session& session, RequestLife& life, ReadOutcome outcome) {
    if (outcome == ReadOutcome::gone) {
        life.stage = Stage::close;
        return;
    }
    session.member.request_read();
    // Refused: the connection's reply already holds the error, written before the close.
    life.keep_alive = outcome == ReadOutcome::request && session.connection.request().keep_alive;
    life.stage = outcome == ReadOutcome::request ? Stage::answer : Stage::write;
}

void after_answer(Session& session, RequestLife& life) {
    life.later = nullptr;
    life.stage = session.connection.reply().events ? Stage::stream : Stage::write;
}

void after_write(Session& session, RequestLife& life, WriteOutcome outcome) {
    session.member.request_answered(); // written, or tried: the peer may be gone
    life.stage = outcome == WriteOutcome::done && life.keep_alive ? Stage::next : Stage::close;
}

// The handler's answer in place, or the LaterAnswer it hands over. True when answered.
bool answer_at_once(Session& session, RequestLife& life) {
    auto& connection = session.connection;
    try {
        life.later = session.plane.handler(connection.request(), connection.reply());
    } catch (const std::exception& e) {
        connection.reply() = internal_error(e);
    }
    return !life.later;
}

// Takes the request through every stage that needs no waiting. True when one must wait:
// life.stage names it.
bool move_on(Session& session, RequestLife& life) {
    auto& connection = session.connection;
    const auto& limits = session.plane.limits;
    for (;;) {
        switch (life.stage) {
        case Stage::read: {
            session.member.busy(limits.request_timeout);
            const auto outcome = connection.read_now();
            if (outcome == ReadOutcome::incomplete) return true;
            after_read(session, life, outcome);
            break;
        }
        case Stage::answer:
            if (!answer_at_once(session, life)) return true;
            after_answer(session, life);
            break;
        case Stage::write: {
            life.keep_alive = life.keep_alive && !session.plane.registry.stopping();
            session.member.busy(limits.write_timeout);
            const auto outcome = connection.write_now(life.keep_alive);
            if (outcome == WriteOutcome::pending) return true;
            after_write(session, life, outcome);
            break;
        }
        case Stage::stream:
            return true;
        case Stage::next:
        case Stage::close:
            return false;
        }
    }
}

// What the socket did not take at once, one write at a time: the write timeout runs between
// writes that make progress (a slow honest reader keeps its connection; one that takes nothing
// for that long is closed by the sweep), and until then the answer is charged to the plane's
// answer budget, which new large answers must find room in.
net::awaitable<WriteOutcome> finish_writing(Session& session, WriteOutcome outcome) {
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
    co_return outcome;
}

// An endless answer (the dashboard's feed) until the peer leaves, the source ends or we stop.
net::awaitable<void> stream_events(Session& session, const EventSource& source) {
    auto& connection = session.connection;
    const auto& limits = session.plane.limits;
    session.member.busy(limits.write_timeout);
    auto heading = finish_writing(session, connection.write_event_stream_head());
    if (co_await std::move(heading) != WriteOutcome::done) co_return;
    if (connection.request().head) co_return; // HEAD: the head only
    net::steady_timer tick(co_await net::this_coro::executor);
    while (!session.plane.registry.stopping()) {
        const auto event = source.next();
        if (!event) co_return;
        session.member.busy(limits.write_timeout);
        auto writing = finish_writing(session, connection.write_event(*event));
        if (co_await std::move(writing) != WriteOutcome::done) co_return;
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

// The stage move_on() could not pass at once, waited for; then move_on() again, and so on until
// the request is done. Then back to park(), which hands a pipelined next request to serve().
net::awaitable<void> wait_then_move_on(SessionPtr owned, RequestLife life) {
    Session& session = *owned;
    auto& connection = session.connection;
    do {
        switch (life.stage) {
        case Stage::read: {
            auto reading = connection.read_request();
            after_read(session, life, co_await std::move(reading));
            break;
        }
        case Stage::answer: {
            session.member.busy_without_deadline(); // the hash or the store: no deadline
            auto answering = take_answer(connection.reply(), life.later);
            co_await std::move(answering);
            after_answer(session, life);
            break;
        }
        case Stage::write: {
            auto writing = finish_writing(session, WriteOutcome::pending);
            after_write(session, life, co_await std::move(writing));
            break;
        }
        case Stage::stream: {
            auto streaming = stream_events(session, *connection.reply().events);
            co_await std::move(streaming);
            life.stage = Stage::close;
            break;
        }
        case Stage::next:
        case Stage::close:
            break;
        }
    } while (move_on(session, life));
    if (life.stage == Stage::next) park(std::move(owned));
}

void log_session_error(const std::string& plane, const std::exception& e) {
    log_format(LogLevel::error, "%s: session ended by error: %s\n", plane.c_str(), e.what());
}

void continue_waiting(SessionPtr session, RequestLife life) {
    const auto executor = session->connection.executor();
    const std::string* name = &session->plane.name;
    net::co_spawn(executor, wait_then_move_on(std::move(session), std::move(life)),
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
// and written at once, until one must wait.
void serve_now(SessionPtr& session) {
    for (int served = 0; served < requests_per_turn; ++served) {
        RequestLife life;
        if (move_on(*session, life)) return continue_waiting(std::move(session), std::move(life));
        if (life.stage == Stage::close) return;
        if (!session->connection.has_buffered_bytes()) return park(std::move(session));
    }
    // A client pipelining without end: the others first.
    const auto executor = session->connection.executor();
    net::post(executor, [session = std::move(session)]() mutable { serve(std::move(session)); });
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

void start_session(LoopSocket socket, const PlaneSetting& plane,
                   const net::ip::address* counted_peer) {
    park(std::make_unique<Session>(std::move(socket), plane, counted_peer));
}

void refuse_connection(LoopSocket socket, const PlaneSetting& plane, const std::string& why) {
    ServerConnection connection(std::move(socket), plane.limits);
    connection.reply() = retry_later_reply(why + "; retry later");
    // One small write into an empty socket buffer, tried once: no waiting, no timer.
    (void)connection.write_now(false);
    connection.close();
}

} // namespace ranking
