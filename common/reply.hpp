#pragma once
// A transport-free HTTP answer: the domain decides status and JSON body, server/ sends it.
#include <nlohmann/json_fwd.hpp>

#include <string>

namespace ranking {

struct Reply {
    int status = 200;
    std::string body;  // always JSON
    std::string allow; // the Allow header of a 405
};

Reply json_reply(int status, const nlohmann::json& body);

// {"error": message}
Reply error_reply(int status, const std::string& message);

} // namespace ranking
