#pragma once
// Where the dashboard's files are when --dashboard-dir is not given: next to an installed binary
// (PREFIX/bin/ranking-server -> PREFIX/share/ranking/dashboard, `cmake --install` and the .deb),
// else the build tree's copy the binary was built with.
#include <filesystem>

namespace ranking {

std::filesystem::path default_dashboard_directory();

} // namespace ranking
