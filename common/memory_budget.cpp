#include "memory_budget.hpp"

#include <utility>

namespace ranking {

MemoryBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

MemoryBudget::Lease& MemoryBudget::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        budget_ = std::exchange(other.budget_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

void MemoryBudget::Lease::release() noexcept {
    if (budget_) budget_->used_.fetch_sub(bytes_, std::memory_order_relaxed);
    budget_ = nullptr;
    bytes_ = 0;
}

void MemoryBudget::Lease::resize(std::size_t bytes) noexcept {
    if (!budget_) return;
    budget_->used_.fetch_add(bytes, std::memory_order_relaxed);
    budget_->used_.fetch_sub(bytes_, std::memory_order_relaxed);
    bytes_ = bytes;
}

std::optional<MemoryBudget::Lease> MemoryBudget::try_take(std::size_t bytes) {
    auto used = used_.load(std::memory_order_relaxed);
    do {
        if (used + bytes > limit_) return std::nullopt;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return Lease(*this, bytes);
}

MemoryBudget::Lease MemoryBudget::take(std::size_t bytes) {
    used_.fetch_add(bytes, std::memory_order_relaxed);
    return Lease(*this, bytes);
}

} // namespace ranking
