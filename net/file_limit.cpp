#include "file_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <climits>

namespace ranking {
namespace {

long as_long(rlim_t value) {
    return value == RLIM_INFINITY || value > static_cast<rlim_t>(LONG_MAX)
               ? LONG_MAX
               : static_cast<long>(value);
}

} // namespace

OpenFileLimit raise_open_file_limit() noexcept {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return {as_long(limit.rlim_cur), as_long(limit.rlim_max)};
}

std::size_t default_max_connections(long soft) noexcept {
    const long files = soft < 0 ? 1024 : soft;
    const long room = files - descriptor_reserve;
    return static_cast<std::size_t>(
        std::clamp(room, 16L, static_cast<long>(max_connections_ceiling)));
}

} // namespace ranking
