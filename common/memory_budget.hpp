#pragma once
// A byte budget shared by many holders: answers waiting for slow readers take a lease on it, and
// a new large answer is refused when the budget has no room, instead of letting many readers that
// never read pin memory without bound. Atomic: a lease may end on whichever thread drops the last
// copy of the answer that holds it.
#include <atomic>
#include <cstddef>
#include <optional>

namespace ranking {

class MemoryBudget {
public:
    explicit MemoryBudget(std::size_t limit_bytes) : limit_(limit_bytes) {}
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    // Bytes held until the lease is destroyed or released.
    class Lease {
    public:
        Lease() = default;
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease() { release(); }

        void release() noexcept;
        // The real size, once known: may grow past the limit (the answer exists already).
        void resize(std::size_t bytes) noexcept;

    private:
        friend class MemoryBudget;
        Lease(MemoryBudget& budget, std::size_t bytes) : budget_(&budget), bytes_(bytes) {}
        MemoryBudget* budget_ = nullptr;
        std::size_t bytes_ = 0;
    };

    // Room for `bytes` more, or nothing when they would pass the limit.
    std::optional<Lease> try_take(std::size_t bytes);
    // Bytes that are already spent (an answer made before it had to wait): always granted.
    Lease take(std::size_t bytes);

    std::size_t limit() const noexcept { return limit_; }

private:
    std::atomic<std::size_t> used_{0};
    std::size_t limit_;
};

} // namespace ranking
