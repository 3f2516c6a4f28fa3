#pragma once
// Jobs handed to a loop from threads that run below it, without taking the loop's own lock.
//
// Why not net::post: Asio's scheduler takes its mutex for a post from another thread and, with
// the loop asleep in epoll_wait, wakes it (epoll_ctl) before letting the mutex go. The woken loop
// preempts a SCHED_IDLE poster at once, then blocks on that mutex until the poster gets a core
// back, which on a busy machine is whenever no normal thread wants one: the loop, the most
// urgent thread, waits for the least urgent. Here the other thread only pushes onto a lock-free
// list and writes an eventfd; the loop itself takes the list, and never waits for the other
// thread. What a SCHED_IDLE thread still delays is its own delivery:
// preempted between its push and its ring, it holds back what arrives behind it until it runs
// again, as it holds back all its work; the loop serves everything else meanwhile.
//
// One inbox per io_context (an Asio service: inbox_of(loop)). expect() plays the part of a work
// guard: the loop keeps a wait armed only while it expects a job, so an io_context whose work is
// done still lets run() return, and one whose expected job never comes keeps waiting for it.
// Threads that deliver must be done (joined) before the io_context is destroyed.
#include "net.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

namespace ranking {

class LoopInbox final : public net::execution_context::service {
public:
    using key_type = LoopInbox;
    static inline net::execution_context::id id;

    explicit LoopInbox(net::io_context& loop);
    ~LoopInbox() override;

    // Loop thread: one more job will come through deliver(); until it has, the inbox waits for
    // it (and so keeps run() going).
    void expect();
    // Any thread, once per expect(): runs `job()` on the loop. `job` may be move-only (a
    // coroutine's handler). Never blocks and takes no lock of the loop's (the parcel's `new`
    // is the allocator's business).
    template <typename Job> void deliver(Job job) { push(new JobParcel<Job>(std::move(job))); }

private:
    struct Parcel {
        virtual ~Parcel() = default;
        virtual void run() = 0;
        Parcel* next = nullptr;
    };
    template <typename Job> struct JobParcel final : Parcel {
        explicit JobParcel(Job to_run) : job(std::move(to_run)) {}
        void run() override { job(); }
        Job job;
    };

    void push(Parcel* parcel);
    void shutdown() override; // the io_context is going: jobs never run are destroyed unrun
    void arm();
    void take_arrivals(); // loop thread: moves what arrived behind what waits, in arrival order
    void run_waiting();   // loop thread: runs what waits, oldest first

    std::atomic<Parcel*> arrived_{nullptr}; // newest first
    const int bell_fd_;                     // an eventfd, written when arrived_ stops being empty
    net::posix::stream_descriptor bell_;    // owns bell_fd_; the loop waits on it
    // Loop thread only from here.
    Parcel* waiting_ = nullptr; // taken, not yet run, oldest first
    Parcel** waiting_end_ = &waiting_;
    std::size_t expected_ = 0; // expect()ed, not yet arrived
    bool armed_ = false;       // a wait on the bell is pending
};

// The inbox of the io_context behind `loop` (throws std::logic_error for another executor).
LoopInbox& inbox_of(const net::any_io_executor& loop);

} // namespace ranking
