#include "request_reader.hpp"

#include <boost/beast/http/error.hpp>

namespace ranking {

namespace {

std::optional<Reply> reply_for_read_error(const error_code& ec, const RequestReader* reader) {
    if (ec == http::error::header_limit) return error_reply(431, "request headers too large");
    if (ec == http::error::body_limit && reader && !reader->takes_body())
        return error_reply(413, "only POST and PUT take a request body here");
    if (ec == http::error::body_limit) return error_reply(413, "request body too large");
    if (ec == http::error::bad_transfer_encoding)
        return error_reply(501, "unsupported Transfer-Encoding; send the body with a "
                                "Content-Length");
    const auto& http_errors = make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_errors && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
        return error_reply(400, "malformed HTTP request");
    return std::nullopt; // closed, reset, timed out: nobody to answer
}

// Checked once the header is in, before waiting for any body.
std::optional<Reply> refuse_header(const RequestReader& reader) {
    if (reader.hosts() > 1) return error_reply(400, "more than one Host header");
    if (reader.hosts() == 0 && reader.version() >= 11)
        return error_reply(400, "an HTTP/1.1 request needs a Host header");
    if (reader.has_expect())
        return error_reply(417, "Expect is not supported; send the request without it");
    // Bodies here are small and always have a length; a chunked one could make us buffer a
    // chunk-size line or a trailer without end (Beast's parser bounds neither).
    if (reader.has_transfer_encoding() && reader.chunked())
        return error_reply(411, "send the body with a Content-Length; chunked bodies are not "
                                "accepted");
    if (reader.has_transfer_encoding())
        return error_reply(501, "unsupported Transfer-Encoding; send the body with a "
                                "Content-Length");
    return std::nullopt;
}

} // namespace

Parsed feed(RequestReader& reader, beast::flat_buffer& bytes, bool& header_checked,
            std::uint32_t header_limit, Reply& refusal) {
    for (;;) {
        error_code ec;
        const bool in_header = !reader.is_header_done();
        const auto used = reader.put(bytes.data(), ec);
        bytes.consume(used);
        if (in_header && reader.header_over(used, header_limit)) {
            refusal = error_reply(431, "request headers too large");
            return Parsed::refused;
        }
        if (ec == http::error::need_more) return Parsed::need_more;
        if (ec) {
            auto reply = reply_for_read_error(ec, &reader);
            if (!reply) return Parsed::gone;
            refusal = std::move(*reply);
            return Parsed::refused;
        }
        if (reader.is_header_done() && !header_checked) {
            header_checked = true;
            if (auto refused = refuse_header(reader)) {
                refusal = std::move(*refused);
                return Parsed::refused;
            }
        }
        if (reader.is_done()) return Parsed::done;
        if (used == 0 || bytes.size() == 0) return Parsed::need_more;
    }
}

std::size_t max_request_bytes(const ConnectionLimits& limits) {
    return limits.header_limit + limits.body_limit + read_step_bytes;
}

ReadResult parse_request(std::string_view raw, const ConnectionLimits& limits) {
    beast::flat_buffer bytes;
    const auto space = bytes.prepare(raw.size());
    std::copy(raw.begin(), raw.end(), static_cast<char*>(space.data()));
    bytes.commit(raw.size());
    IncomingRequest request;
    Reply refusal;
    RequestReader reader(request, limits);
    bool header_checked = false;
    switch (feed(reader, bytes, header_checked, limits.header_limit, refusal)) {
    case Parsed::done:
        return {std::move(request), std::nullopt};
    case Parsed::refused:
        return {std::nullopt, std::move(refusal)};
    case Parsed::gone:
        return {};
    case Parsed::need_more:
        break;
    }
    error_code ec;
    reader.put_eof(ec); // nothing more will come: the peer closed here
    if (ec) return {std::nullopt, reply_for_read_error(ec, &reader)};
    return {std::move(request), std::nullopt};
}

} // namespace ranking
