#pragma once
// Reading one request with Beast's parser and the server's own bounds: the callbacks fill an
// IncomingRequest in place, and feed() refuses what the server does not take (a chunked body, a
// body on a method that takes none, a missing or repeated Host, Expect, a header past its limit
// in all). Included only by net's own .cpp files, so that Beast stays out of everyone else's.
#include "server_connection.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include <cstdint>

namespace ranking {

// Beast's parser with our own callbacks: it fills an IncomingRequest in place and keeps no map
// of header fields, so reading a request allocates nothing once the strings have grown.
namespace beast = boost::beast;
namespace http = beast::http;

class RequestReader final : public http::basic_parser<true> {
public:
    RequestReader(IncomingRequest& request, const ConnectionLimits& limits)
        : request_(request), body_limit_(limits.body_limit) {
        header_limit(limits.header_limit);
        body_limit(limits.body_limit);
        for (auto* text :
             {&request_.method, &request_.target, &request_.body, &request_.authorization,
              &request_.host, &request_.origin, &request_.content_type})
            text->clear();
        request_.keep_alive = true;
        request_.head = false;
    }
    bool has_expect() const { return expect_; }
    bool has_transfer_encoding() const { return transfer_encoding_; }
    bool takes_body() const { return takes_body_; }
    // Beast's parser compares its header limit with what is not parsed yet only: a client that
    // sends the fields one by one never reaches it. The total is counted here.
    bool header_over(std::size_t more, std::uint32_t limit) {
        header_bytes_ += more;
        return header_bytes_ > limit;
    }
    int hosts() const { return hosts_; }
    int version() const { return version_; }

private:
    void on_request_impl(http::verb verb, beast::string_view method, beast::string_view target,
                         int version, error_code&) override {
        version_ = version;
        request_.head = verb == http::verb::head;
        if (request_.head)
            request_.method.assign("GET");
        else
            request_.method.assign(method.data(), method.size());
        request_.target.assign(target.data(), target.size());
        // Set before the fields are read: a Content-Length over it is refused at once.
        takes_body_ = verb == http::verb::post || verb == http::verb::put;
        body_limit(takes_body_ ? body_limit_ : 0);
    }
    void on_response_impl(int, beast::string_view, int, error_code&) override {}
    void on_field_impl(http::field name, beast::string_view, beast::string_view value,
                       error_code&) override {
        switch (name) {
        case http::field::authorization:
            request_.authorization.assign(value.data(), value.size());
            break;
        case http::field::host:
            ++hosts_;
            request_.host.assign(value.data(), value.size());
            break;
        case http::field::origin:
            request_.origin.assign(value.data(), value.size());
            break;
        case http::field::content_type:
            request_.content_type.assign(value.data(), value.size());
            break;
        case http::field::expect:
            expect_ = true;
            break;
        case http::field::transfer_encoding:
            transfer_encoding_ = true;
            break;
        default:
            break;
        }
    }
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        // The parser has already refused a length past the body limit.
        if (length) request_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(beast::string_view body, error_code&) override {
        request_.body.append(body.data(), body.size());
        return body.size();
    }
    // Never reached: a chunked request is refused once its header is in (refuse_header()).
    void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view, error_code&) override {
        return 0;
    }
    void on_finish_impl(error_code&) override { request_.keep_alive = keep_alive(); }

    IncomingRequest& request_;
    std::uint64_t body_limit_;
    bool expect_ = false;
    bool transfer_encoding_ = false;
    bool takes_body_ = false;
    std::size_t header_bytes_ = 0;
    int hosts_ = 0;
    int version_ = 11;
};

enum class Parsed { done, need_more, refused, gone };

// Feeds the parser what `bytes` holds and consumes what it used. On `refused`, `refusal` holds
// the error to answer with. `header_checked` is the request's: set once its header passed.
Parsed feed(RequestReader& reader, beast::flat_buffer& bytes, bool& header_checked,
            std::uint32_t header_limit, Reply& refusal);

} // namespace ranking
