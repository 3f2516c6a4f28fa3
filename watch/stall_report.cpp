#include "stall_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace ranking {
namespace {

// Ongoing first, then the ended ones newest first: at most StallLog::kept in all.
std::vector<StallRecord> newest_first(const StallLog& log) {
    std::vector<StallRecord> records;
    if (auto ongoing = log.in_progress()) records.push_back(std::move(*ongoing));
    auto ended = log.recent();
    std::reverse(ended.begin(), ended.end());
    for (auto& record : ended) {
        if (records.size() == StallLog::kept) break;
        records.push_back(std::move(record));
    }
    return records;
}

nlohmann::json to_json(const StallRecord& record) {
    auto samples = nlohmann::json::array();
    for (const auto& sample : record.samples) {
        auto frames = nlohmann::json::array();
        for (const auto& frame : sample.frames)
            frames.push_back(frame.text());
        samples.push_back({{"at_ms", sample.at_ms}, {"frames", std::move(frames)}});
    }
    const bool in_handler = record.request_id.has_value();
    return {{"started_unix_ms", record.started_unix_ms},
            {"duration_ms", record.duration_ms},
            {"cpu_ms", record.cpu_ms},
            {"runnable_ms", record.runnable_ms},
            {"kind", to_string(record.kind)},
            {"syscall", record.syscall ? nlohmann::json(*record.syscall) : nullptr},
            {"route", in_handler ? nlohmann::json(route_name(record.route)) : nullptr},
            {"request_id", in_handler ? nlohmann::json(*record.request_id) : nullptr},
            {"delayed_requests", record.delayed_requests},
            {"delayed_ms_total", record.delayed_ms_total},
            {"ongoing", record.ongoing},
            {"samples", std::move(samples)}};
}

// A frame as the folded format can hold it: ';' separates frames.
std::string folded_frame(std::string name) {
    std::replace(name.begin(), name.end(), ';', ':');
    return name;
}

} // namespace

std::string stalls_json(const StallLog& log) {
    auto records = nlohmann::json::array();
    for (const auto& record : newest_first(log))
        records.push_back(to_json(record));
    return records.dump();
}

std::string stalls_folded(const StallLog& log) {
    std::map<std::string, long> weights; // identical stacks add up
    for (const auto& record : newest_first(log)) {
        const std::string root =
            record.request_id ? std::string(route_name(record.route)) : "(outside any handler)";
        double previous_ms = 0;
        for (const auto& sample : record.samples) {
            std::string stack = folded_frame(root);
            for (auto frame = sample.frames.rbegin(); frame != sample.frames.rend(); ++frame)
                stack += ";" + folded_frame(frame->brief);
            weights[stack] += std::max(1L, std::lround(sample.at_ms - previous_ms));
            previous_ms = sample.at_ms;
        }
    }
    std::string text;
    for (const auto& [stack, weight] : weights)
        text += stack + " " + std::to_string(weight) + "\n";
    return text;
}

} // namespace ranking
