#include "loop_inbox.hpp"

#include <boost/system/system_error.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <utility>

namespace ranking {
namespace {

int open_eventfd() {
    const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        throw boost::system::system_error(errno, boost::system::system_category(),
                                          "eventfd for the loop's inbox");
    return fd;
}

} // namespace

LoopInbox::LoopInbox(net::io_context& loop)
    : net::execution_context::service(loop), bell_fd_(open_eventfd()), bell_(loop, bell_fd_) {}

LoopInbox::~LoopInbox() {
    shutdown();
}

void LoopInbox::shutdown() {
    for (auto* list : {arrived_.exchange(nullptr), std::exchange(waiting_, nullptr)})
        for (auto* parcel = list; parcel;)
            delete std::exchange(parcel, parcel->next);
    waiting_end_ = &waiting_;
}

void LoopInbox::expect() {
    ++expected_;
    if (!armed_) arm();
}

void LoopInbox::push(Parcel* parcel) {
    // Once pushed, the parcel is the loop's (it may be run and freed at once): what the push
    // found is read from `newest`, never from the parcel. The loop takes a list only after the
    // ring of the push that found it empty, so no parcel is missed.
    auto* newest = arrived_.load();
    do {
        parcel->next = newest;
    } while (!arrived_.compare_exchange_weak(newest, parcel));
    // Only the first of a batch rings: the loop takes everything that arrived when it answers.
    if (newest == nullptr) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(bell_fd_, &one, sizeof one);
    }
}

void LoopInbox::arm() {
    armed_ = true;
    bell_.async_wait(net::posix::stream_descriptor::wait_read, [this](error_code ec) {
        armed_ = false;
        // Nothing cancels or closes the bell (at the loop's end the wait is destroyed uncalled):
        // an error would be the eventfd's own.
        if (ec) return;
        take_arrivals();
        if (expected_ > 0) arm();
        run_waiting();
    });
}

void LoopInbox::take_arrivals() {
    // Quiet the bell before taking the list: a parcel that lands after the take rings again.
    std::uint64_t rings = 0;
    [[maybe_unused]] const auto read = ::read(bell_fd_, &rings, sizeof rings);
    Parcel* in_order = nullptr; // the list is newest first: reverse it
    for (auto* parcel = arrived_.exchange(nullptr); parcel; --expected_) {
        assert(expected_ > 0 && "a delivery nobody expect()ed");
        auto* older = parcel->next;
        parcel->next = in_order;
        in_order = std::exchange(parcel, older);
    }
    *waiting_end_ = in_order;
    while (*waiting_end_)
        waiting_end_ = &(*waiting_end_)->next;
}

void LoopInbox::run_waiting() {
    // A job that throws leaves the rest to the next delivery, or to the loop's end.
    while (waiting_) {
        const std::unique_ptr<Parcel> parcel(std::exchange(waiting_, waiting_->next));
        if (!waiting_) waiting_end_ = &waiting_;
        parcel->run();
    }
}

LoopInbox& inbox_of(const net::any_io_executor& loop) {
    const auto* executor = loop.target<net::io_context::executor_type>();
    if (!executor) throw std::logic_error("a loop inbox needs an io_context's executor");
    return net::use_service<LoopInbox>(executor->context());
}

} // namespace ranking
