#include "club_page.hpp"

#include "admin_routes.hpp" // load_dashboard: the same directory, read the same way

#include <algorithm>
#include <array>
#include <string_view>

namespace ranking {
namespace {

struct ClubFile {
    std::string_view served; // the name under /club/
    std::string_view stored; // the name in the dashboard's directory
    std::string_view content_type;
};

constexpr std::array club_files{
    ClubFile{"index.html", "club.html", "text/html; charset=utf-8"},
    ClubFile{"club.js", "club.js", "text/javascript; charset=utf-8"},
    ClubFile{"club.css", "club.css", "text/css; charset=utf-8"},
    ClubFile{"chart.min.js", "chart.min.js", "text/javascript; charset=utf-8"},
};

// The page and its scripts and styles come from this origin only, and no page may frame it.
constexpr std::string_view club_content_security_policy =
    "default-src 'self'; frame-ancestors 'none'";

} // namespace

ClubPage load_club_page(const std::filesystem::path& directory) {
    auto found = load_dashboard(directory);
    ClubPage page{{}, directory};
    for (const auto& file : club_files)
        if (auto it = found.find(std::string(file.stored)); it != found.end())
            page.files.emplace(std::string(file.served), std::move(it->second));
    return page;
}

std::map<std::string, std::string> without_club_page(std::map<std::string, std::string> files) {
    for (const auto& file : club_files)
        if (file.stored.starts_with("club.")) // Chart.js is the dashboard's too
            files.erase(std::string(file.stored));
    return files;
}

void answer_club_page(const ClubPage& page, const ClubPageRequest& request, Reply& reply) {
    const std::string_view name =
        request.file.empty() ? std::string_view("index.html") : request.file; // "/club/"
    const auto known = std::find_if(club_files.begin(), club_files.end(),
                                    [&](const ClubFile& file) { return file.served == name; });
    const auto loaded = known == club_files.end() ? page.files.end() : page.files.find(name);
    if (loaded == page.files.end()) {
        reply = error_reply(404, known == club_files.end()
                                     ? "no file '" + std::string(name) + "' in the club page"
                                     : "the club page's file '" + std::string(known->stored) +
                                           "' was not found in " + page.directory.string());
    } else {
        reply.status = 200;
        reply.body = loaded->second;
        reply.content_type = known->content_type;
    }
    reply.content_security_policy = club_content_security_policy;
    reply.no_framing = true;
}

} // namespace ranking
