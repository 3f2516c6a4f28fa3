// The global operator new and delete, every form, replaced: new counts (when this thread counts)
// and forwards to malloc or aligned_alloc; delete forwards to free. Counting touches only
// constinit thread_locals, so it neither allocates nor needs a guard against itself.
#include "counting_new.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#ifdef RANKING_HAVE_LIBBACKTRACE
// GCC's libbacktrace: DWARF file:line with inlined frames, and its own memory from mmap (no
// malloc, no operator new), so it may run inside operator new.
#include <backtrace.h>
#include <cxxabi.h>
#else
#include <execinfo.h>
#endif

namespace ranking::alloc_count {
namespace {

constinit thread_local bool counting = false;
constinit thread_local bool tracing = false; // printing a trace: its own allocations are not ours
constinit thread_local std::uint64_t allocations = 0;

constexpr long default_trace_limit = 40;
constexpr int max_frames = 40;
std::atomic<long> trace_limit{0}; // 0: no tracing; read from the environment at start_counting()
std::atomic<long> traced{0};

#ifdef RANKING_HAVE_LIBBACKTRACE
backtrace_state* symbolizer = nullptr;

void on_error(void*, const char* message, int error) {
    std::fprintf(stderr, "    (backtrace: %s, %d)\n", message, error);
}

// C++ names demangled; __cxa_demangle mallocs, which is not operator new.
void print_frame(int index, std::uintptr_t pc, const char* function, const char* file, int line) {
    int status = -1;
    char* demangled = function ? abi::__cxa_demangle(function, nullptr, nullptr, &status) : nullptr;
    // Asio's template names run to pages: 2000 characters name nlohmann's and Beast's functions
    // whole.
    std::fprintf(stderr, "  #%-2d 0x%012lx %.2000s at %s:%d\n", index,
                 static_cast<unsigned long>(pc), status == 0 ? demangled : function,
                 file ? file : "??", line);
    std::free(demangled);
}

struct Walk {
    int frames = 0;
};

// Libraries without debug info (libstdc++, Boost's .so, prometheus-cpp): their symbol tables.
void on_symbol(void* data, std::uintptr_t pc, const char* symbol, std::uintptr_t, std::uintptr_t) {
    print_frame(static_cast<Walk*>(data)->frames, pc, symbol, nullptr, 0);
}

int on_frame(void* data, std::uintptr_t pc, const char* file, int line, const char* function) {
    auto& walk = *static_cast<Walk*>(data);
    if (pc == static_cast<std::uintptr_t>(-1)) return 1; // past the outermost frame
    if (function || file)
        print_frame(walk.frames, pc, function, file, line);
    else
        backtrace_syminfo(symbolizer, pc, on_symbol, on_error, data);
    return ++walk.frames >= max_frames ? 1 : 0;
}
#endif

void trace(std::size_t size) {
    const long index = traced.fetch_add(1);
    if (index >= trace_limit.load()) return;
    tracing = true;
    std::fprintf(stderr, "ranking-alloc-trace #%ld: operator new(%zu) on a counted thread\n",
                 index + 1, size);
#ifdef RANKING_HAVE_LIBBACKTRACE
    Walk walk;
    backtrace_full(symbolizer, 1, on_frame, on_error, &walk);
#else
    void* frames[max_frames];
    backtrace_symbols_fd(frames, backtrace(frames, max_frames), 2); // mangled, no lines
#endif
    std::fputs("ranking-alloc-trace end\n", stderr);
    tracing = false;
}

void note(std::size_t size) {
    if (!counting || tracing) return;
    ++allocations;
    if (trace_limit.load(std::memory_order_relaxed) > 0) trace(size);
}

// [new.delete.single]: retry through the new-handler; then throw, or null for nothrow forms.
void* allocate(std::size_t size, std::size_t alignment, bool nothrow) {
    note(size);
    if (size == 0) size = 1;
    // aligned_alloc wants a multiple of the alignment.
    if (alignment > 0) size = (size + alignment - 1) / alignment * alignment;
    for (;;) {
        void* p = alignment > 0 ? std::aligned_alloc(alignment, size) : std::malloc(size);
        if (p) return p;
        const auto handler = std::get_new_handler();
        if (!handler) {
            if (nothrow) return nullptr;
            throw std::bad_alloc();
        }
        handler();
    }
}

void* allocate(std::size_t size, std::align_val_t alignment, bool nothrow) {
    return allocate(size, static_cast<std::size_t>(alignment), nothrow);
}

} // namespace

void start_counting() {
    // Read once, from the first thread to count, before any counted allocation.
    static const long limit = [] {
        const char* value = std::getenv("RANKING_ALLOC_TRACE");
        if (!value) return 0L;
        const long n = std::strtol(value, nullptr, 10);
        return n > 0 ? n : default_trace_limit;
    }();
#ifdef RANKING_HAVE_LIBBACKTRACE
    if (limit > 0 && !symbolizer)
        symbolizer = backtrace_create_state(nullptr, 1, on_error, nullptr);
#else
    // glibc's backtrace() loads libgcc's unwinder (with malloc) on its first call: do that now.
    void* warm_up[1];
    if (limit > 0) backtrace(warm_up, 1);
#endif
    trace_limit.store(limit);
    allocations = 0;
    counting = true;
}

std::uint64_t stop_counting() {
    counting = false;
    return allocations;
}

} // namespace ranking::alloc_count

using ranking::alloc_count::allocate;

void* operator new(std::size_t size) {
    return allocate(size, 0, false);
}
void* operator new[](std::size_t size) {
    return allocate(size, 0, false);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size, 0, true);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return allocate(size, 0, true);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    return allocate(size, alignment, false);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    return allocate(size, alignment, false);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return allocate(size, alignment, true);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
    return allocate(size, alignment, true);
}

void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
