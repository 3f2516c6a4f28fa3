#include "curl_get.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <stdexcept>

namespace ranking {
namespace {

struct EasyCleanup {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

CURL* this_threads_handle() {
    thread_local std::unique_ptr<CURL, EasyCleanup> handle(curl_easy_init());
    return handle.get();
}

struct Body {
    std::string text;
    std::uint64_t limit = 0;
    bool too_large = false;
};

// libcurl's write callback: past the limit, a short count makes it stop (CURLE_WRITE_ERROR).
std::size_t keep_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& body = *static_cast<Body*>(user);
    const auto bytes = size * count;
    if (body.text.size() + bytes > body.limit) {
        body.too_large = true;
        return 0;
    }
    body.text.append(data, bytes);
    return bytes;
}

} // namespace

void start_curl() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw std::runtime_error("libcurl: curl_global_init failed");
    });
}

ServiceAnswer curl_get(const std::string& url, std::chrono::milliseconds timeout,
                       std::uint64_t max_body) {
    CURL* curl = this_threads_handle();
    if (!curl) return {CallFailure::broken, 0, {}, "libcurl: curl_easy_init failed"};
    curl_easy_reset(curl); // the options go; the connection to the service stays
    Body body{{}, max_body};
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM for name look-ups: threads
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<long>(1, timeout.count())));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ranking-server");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    const auto code = curl_easy_perform(curl);
    const std::string detail = error[0] ? error : curl_easy_strerror(code);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr); // the handle outlives `error`
    switch (code) {
    case CURLE_OK: {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        return {CallFailure::none, static_cast<int>(status), std::move(body.text), {}};
    }
    case CURLE_OPERATION_TIMEDOUT:
        return {CallFailure::timeout, 0, {}, detail};
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        return {CallFailure::unreachable, 0, {}, detail};
    default:
        return {body.too_large ? CallFailure::too_large : CallFailure::broken, 0, {}, detail};
    }
}

} // namespace ranking
