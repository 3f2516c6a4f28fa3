#include "dashboard_location.hpp"

namespace ranking {

std::filesystem::path default_dashboard_directory() {
    std::error_code ec;
    const auto binary = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed = binary.parent_path().parent_path() / "share/ranking/dashboard";
        if (std::filesystem::exists(installed / "index.html", ec)) return installed;
    }
    return RANKING_DASHBOARD_DIR; // the build tree
}

} // namespace ranking
