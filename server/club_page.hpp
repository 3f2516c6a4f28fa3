#pragma once
// The players' page on the data plane: GET /club and GET /club/{file}. Its files are read once at
// start from the directory the admin plane's dashboard is gathered into (--dashboard-dir):
// club.html (served as /club), club.js, club.css, and the dashboard's Chart.js. Answered on the
// loop from memory, with a CSP that allows this origin only and no framing.
#include "data_api.hpp"
#include "reply.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace ranking {

struct ClubPage {
    std::map<std::string, std::string, std::less<>> files; // by the name under /club/: "club.js"
    std::filesystem::path directory; // where they were read from, for the 404's message
};

// The page's files in `directory`; those missing are left out (their requests get a 404).
ClubPage load_club_page(const std::filesystem::path& directory);

// `files` (the dashboard's directory, as load_dashboard reads it) less the club page's own: they
// share the directory, and the admin plane serves only the dashboard.
std::map<std::string, std::string> without_club_page(std::map<std::string, std::string> files);

// 200 with the file and its Content-Type, or a 404 naming the file; both with
// Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" and X-Frame-Options DENY.
void answer_club_page(const ClubPage& page, const ClubPageRequest& request, Reply& reply);

} // namespace ranking
