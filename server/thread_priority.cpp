#include "thread_priority.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <latch>
#include <memory>

namespace ranking {
namespace {

id_t this_tid() noexcept {
    return static_cast<id_t>(::gettid());
}

} // namespace

ThreadSchedule this_thread_schedule() noexcept {
    return thread_schedule(::gettid());
}

ThreadSchedule thread_schedule(pid_t tid) noexcept {
    ThreadSchedule schedule;
    schedule.policy = ::sched_getscheduler(tid); // a tid: that thread (Linux)
    schedule.nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid)); // PRIO_PROCESS + a tid
    return schedule;
}

std::string lower_this_thread(BackgroundPriority priority) {
    switch (priority.kind) {
    case BackgroundPriorityKind::normal:
        return {};
    case BackgroundPriorityKind::idle: {
        sched_param param{};
        param.sched_priority = 0; // the only value SCHED_IDLE takes
        if (const int rc = ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &param))
            return std::string("SCHED_IDLE: ") + std::strerror(rc);
        return {};
    }
    case BackgroundPriorityKind::nice: {
        errno = 0;
        const int now = ::getpriority(PRIO_PROCESS, this_tid());
        if (now == -1 && errno != 0) return std::string("getpriority: ") + std::strerror(errno);
        const int target = std::min(19, now + priority.nice);
        if (::setpriority(PRIO_PROCESS, this_tid(), target) != 0)
            return "setpriority(" + std::to_string(target) + "): " + std::strerror(errno);
        return {};
    }
    }
    return "unknown pool priority";
}

std::vector<std::string> lower_pool_threads(net::thread_pool& pool, unsigned threads,
                                            BackgroundPriority priority) {
    std::latch all_started(threads);
    std::vector<std::future<std::string>> results;
    for (unsigned i = 0; i < threads; ++i) {
        auto job = std::make_shared<std::packaged_task<std::string()>>([&all_started, priority] {
            all_started.arrive_and_wait(); // holds this thread until each has one job
            return lower_this_thread(priority);
        });
        results.push_back(job->get_future());
        net::post(pool, [job] { (*job)(); });
    }
    std::vector<std::string> failures;
    for (auto& result : results)
        if (auto failure = result.get(); !failure.empty()) failures.push_back(std::move(failure));
    return failures;
}

} // namespace ranking
