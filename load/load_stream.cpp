#include "load_stream.hpp"

#include "limits.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>

namespace ranking::load {
namespace {

namespace http = boost::beast::http;

ErrorClass classify(const error_code& ec) {
    // operation_aborted: still unanswered at the drain deadline, i.e. never completed.
    if (ec == boost::beast::error::timeout || ec == net::error::operation_aborted)
        return ErrorClass::timeout;
    if (ec.category() == http::make_error_code(http::error::bad_version).category() &&
        ec != http::error::end_of_stream)
        return ErrorClass::parse;
    return ErrorClass::io;
}

} // namespace

bool stale_connection(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == net::error::eof;
}

struct LoadStream::Slot {
    explicit Slot(const net::any_io_executor& executor) : connection(executor), wake(executor) {}
    ClientConnection connection;
    net::steady_timer wake;     // cancelled to hand the slot a job or to let it finish
    std::optional<Job> handed;  // set by the dispatcher before it wakes the slot
    std::optional<Series> busy; // the series of the request in hand
    Clock::time_point busy_due;
    bool connected = false;
};

LoadStream::LoadStream(net::any_io_executor executor, StreamConfig config,
                       std::function<PlannedRequest()> next_request, const RunPlan& plan,
                       Recorder& recorder)
    : executor_(std::move(executor)), config_(std::move(config)),
      next_request_(std::move(next_request)), plan_(plan), recorder_(recorder), tick_(executor_),
      deadline_(executor_) {
    if (config_.rate)
        arrivals_.emplace(*config_.rate, config_.arrivals, config_.seed, config_.first_due);
    for (unsigned i = 0; i < config_.connections; ++i) {
        slots_.push_back(std::make_unique<Slot>(executor_));
        if (!config_.authorization.empty())
            slots_.back()->connection.set_authorization(config_.authorization);
    }
}

LoadStream::~LoadStream() = default;

net::awaitable<void> LoadStream::connect_slot(Slot& slot, error_code& result, WaitGroup& group) {
    auto connecting =
        slot.connection.connect(config_.server.host, config_.server.port, config_.timeout);
    result = co_await std::move(connecting);
    slot.connected = !result;
    group.done();
}

net::awaitable<void> LoadStream::open() {
    // A bounded window of connects in flight: the server's accept backlog is finite too.
    constexpr std::size_t window = 256;
    for (std::size_t first = 0; first < slots_.size(); first += window) {
        const auto last = std::min(first + window, slots_.size());
        std::vector<error_code> results(last - first);
        WaitGroup group(executor_);
        group.add(last - first);
        for (std::size_t i = first; i < last; ++i)
            net::co_spawn(executor_, connect_slot(*slots_[i], results[i - first], group),
                          net::detached);
        co_await group.wait();
        for (const auto& ec : results)
            if (ec)
                throw RampError(explain_connect_failure(ec, config_.server, first, slots_.size()));
    }
}

net::awaitable<void> LoadStream::run(Clock::time_point start) {
    start_ = start;
    dispatching_ = arrivals_.has_value();
    WaitGroup workers(executor_);
    WaitGroup watchers(executor_);
    workers.add(slots_.size() + (dispatching_ ? 1 : 0));
    watchers.add(2);
    for (auto& slot : slots_)
        net::co_spawn(executor_, serve(*slot, workers), net::detached);
    if (dispatching_) net::co_spawn(executor_, dispatch(workers), net::detached);
    net::co_spawn(executor_, sample(watchers), net::detached);
    net::co_spawn(executor_, enforce_deadline(watchers), net::detached);
    co_await workers.wait();
    finished_ = true;
    tick_.cancel();
    deadline_.cancel();
    co_await watchers.wait();
}

net::awaitable<void> LoadStream::dispatch(WaitGroup& group) {
    net::steady_timer timer(executor_);
    const auto end = start_ + plan_.end();
    auto due = start_ + arrivals_->next();
    while (due < end) {
        timer.expires_at(due);
        auto [ec] = co_await timer.async_wait(use_nothrow);
        (void)ec;
        // Everything due by now goes out in this turn: one wait per request would let a busy
        // loop fall further behind with every turn.
        const auto now = Clock::now();
        for (; due < end && due <= now; due = start_ + arrivals_->next()) {
            Job job{next_request_(), due, false, std::nullopt};
            recorder_.planned(job.request.series, due);
            if (!idle_.empty()) {
                Slot* slot = idle_.front();
                idle_.pop_front();
                slot->handed = std::move(job);
                slot->wake.cancel();
            } else {
                job.waited = true;
                job.dispatch_lag = now - due;
                backlog_.push_back(std::move(job));
            }
        }
    }
    dispatching_ = false;
    wake_idle();
    group.done();
}

std::optional<LoadStream::Job> LoadStream::take_job() {
    if (stopped_) return std::nullopt;
    if (!arrivals_) { // closed loop: the next request is due the moment the last one ends
        const auto now = Clock::now();
        if (now >= start_ + plan_.end()) return std::nullopt;
        Job job{next_request_(), now, false, std::nullopt};
        recorder_.planned(job.request.series, now);
        return job;
    }
    if (backlog_.empty()) return std::nullopt;
    Job job = std::move(backlog_.front());
    backlog_.pop_front();
    return job;
}

void LoadStream::wake_idle() {
    for (Slot* slot : idle_)
        slot->wake.cancel();
    idle_.clear();
}

net::awaitable<void> LoadStream::serve(Slot& slot, WaitGroup& group) {
    for (;;) {
        auto job = take_job();
        if (!job) {
            if (!arrivals_ || stopped_ || !dispatching_) break;
            idle_.push_back(&slot);
            slot.wake.expires_at(net::steady_timer::time_point::max());
            auto [ec] = co_await slot.wake.async_wait(use_nothrow);
            (void)ec;
            if (!slot.handed) continue; // woken to notice the end of the plan
            job = std::move(slot.handed);
            slot.handed.reset();
        }
        auto executing = execute(slot, std::move(*job));
        co_await std::move(executing);
    }
    group.done();
}

net::awaitable<void> LoadStream::execute(Slot& slot, Job job) {
    Outcome outcome;
    outcome.series = job.request.series;
    outcome.due = job.due;
    outcome.waited = job.waited;
    // Queued jobs waited for the server; only the dispatcher's lateness is the tool's fault.
    outcome.tool_lag = job.waited ? job.dispatch_lag : std::optional(Clock::now() - job.due);
    slot.busy = job.request.series;
    slot.busy_due = job.due;

    HttpResponse response;
    error_code ec;
    bool fresh = false; // a connection opened for this request cannot be a stale keep-alive
    for (;;) {
        if (!slot.connected) {
            auto connecting =
                slot.connection.connect(config_.server.host, config_.server.port, config_.timeout);
            ec = co_await std::move(connecting);
            if (ec) {
                outcome.error = stopped_ ? ErrorClass::timeout : ErrorClass::connect;
                // A connect the server never took up (its loop not accepting, its backlog full)
                // is as unanswered as a request; a refused one failed at once, its latency known.
                outcome.unanswered = stopped_ || ec == boost::beast::error::timeout;
                slot.connection.close();
                break;
            }
            slot.connected = true;
            fresh = true;
        }
        outcome.sent = Clock::now();
        // Every body the tool sends is JSON (a game); a retry after a stale connection sends
        // the same one again, which the server answers as the same game.
        const std::string_view content_type = job.request.body.empty() ? "" : "application/json";
        auto requesting =
            slot.connection.request(job.request.method, job.request.target, job.request.body,
                                    config_.timeout, response, content_type);
        ec = co_await std::move(requesting);
        if (!ec) break;
        slot.connection.close();
        slot.connected = false;
        if (fresh || !stale_connection(ec) || stopped_) {
            outcome.error = classify(ec);
            outcome.unanswered = outcome.error == ErrorClass::timeout;
            break;
        }
        recorder_.reconnected();
    }
    outcome.done = Clock::now();
    if (!ec) {
        outcome.status = response.status;
        if (response.status < 200 || response.status > 299) outcome.error = ErrorClass::http_status;
        if (!response.keep_alive) {
            slot.connection.close();
            slot.connected = false;
        }
    }
    slot.busy.reset();
    recorder_.record(outcome);
}

net::awaitable<void> LoadStream::sample(WaitGroup& group) {
    for (std::size_t second = 0; second < plan_.seconds() && !finished_; ++second) {
        tick_.expires_at(start_ + std::chrono::seconds(second));
        auto [ec] = co_await tick_.async_wait(use_nothrow);
        if (ec || finished_) break;
        const auto now = Clock::now();
        std::array<std::uint64_t, series_count> counts{};
        std::array<Clock::time_point, series_count> oldest;
        oldest.fill(now);
        const auto note = [&](Series series, Clock::time_point due) {
            ++counts[index(series)];
            oldest[index(series)] = std::min(oldest[index(series)], due);
        };
        for (const auto& slot : slots_)
            if (slot->busy) note(*slot->busy, slot->busy_due);
        for (const auto& job : backlog_)
            note(job.request.series, job.due);
        for (std::size_t i = 0; i < series_count; ++i)
            recorder_.sample(second, static_cast<Series>(i), counts[i], now - oldest[i]);
    }
    group.done();
}

net::awaitable<void> LoadStream::enforce_deadline(WaitGroup& group) {
    deadline_.expires_at(start_ + plan_.drain_deadline());
    auto [ec] = co_await deadline_.async_wait(use_nothrow);
    if (!ec && !finished_) {
        stopped_ = true;
        // Still queued: never sent, never answered. They count, with all the time they waited.
        const auto now = Clock::now();
        for (const auto& job : backlog_) {
            Outcome outcome;
            outcome.series = job.request.series;
            outcome.due = job.due;
            outcome.done = now;
            outcome.tool_lag = job.dispatch_lag;
            outcome.waited = job.waited;
            outcome.error = ErrorClass::unsent;
            outcome.unanswered = true;
            recorder_.record(outcome);
        }
        backlog_.clear();
        // In flight: closing aborts the request, which execute() records as never completed.
        for (auto& slot : slots_)
            if (slot->busy) slot->connection.close();
        wake_idle();
    }
    group.done();
}

} // namespace ranking::load
