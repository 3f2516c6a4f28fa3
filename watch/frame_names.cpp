#include "frame_names.hpp"

#include <boost/stacktrace/frame.hpp>

#include <dlfcn.h>

#include <filesystem>

namespace ranking {
namespace {

std::string without_parameters(std::string name) {
    if (const auto clone = name.find(" [clone"); clone != std::string::npos) name.erase(clone);
    const auto close = name.rfind(')');
    if (close == std::string::npos || name.starts_with("??")) return name;
    int depth = 0;
    for (auto i = close + 1; i-- > 0;) {
        if (name[i] == ')') ++depth;
        if (name[i] == '(' && --depth == 0) return i == 0 ? name : name.substr(0, i);
    }
    return name;
}

// "ns::f<std::vector<int> >(int) const [clone .cold]" -> "ns::f<>": the clone note, the last
// balanced parameter list and what follows it, and template arguments (operators aside, whose
// names hold '<' and '>').
std::string brief_of(std::string name) {
    name = without_parameters(std::move(name));
    if (name.find("operator") != std::string::npos) return name;
    std::string brief;
    int depth = 0;
    for (const char c : name) {
        if (c == '>' && depth > 0) --depth;
        if (depth == 0) brief += c;
        if (c == '<') ++depth;
    }
    return depth == 0 ? brief : name;
}

} // namespace

const FrameName& FrameNames::name(const void* address) {
    if (const auto found = cache_.find(address); found != cache_.end()) return found->second;
    const boost::stacktrace::frame frame(address);
    FrameName named{frame.name(), {}, {}};
    if (const auto line = frame.source_line(); line != 0)
        named.location = frame.source_file() + ":" + std::to_string(line);
    if (named.function.empty()) {
        Dl_info info{};
        const bool known = ::dladdr(address, &info) != 0 && info.dli_fname != nullptr;
        named.function =
            known ? "?? (" + std::filesystem::path(info.dli_fname).filename().string() + ")" : "??";
    }
    named.brief = brief_of(named.function);
    return cache_.emplace(address, std::move(named)).first->second;
}

} // namespace ranking
