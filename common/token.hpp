#pragma once
// The security token: PBKDF2-HMAC-SHA256 (OpenSSL) of the server secret over an answer's fields.
// Pure CPU work by design: it is the "selfish" task that must not run on the event loop.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ranking {

// Raw PBKDF2-HMAC-SHA256; throws std::runtime_error if OpenSSL refuses the parameters.
std::vector<unsigned char> pbkdf2_sha256(std::string_view password, std::string_view salt,
                                         std::uint32_t iterations, std::size_t key_length);

std::string to_hex(const std::vector<unsigned char>& bytes);

// Everything a ranking answer signs; a holder of the secret recomputes the token from these.
struct TokenFields {
    std::string player;
    int rating = 0;
    int rank = 0;
    int players = 0;
    double percentile = 0;
    std::int64_t issued_at_ms = 0;
    std::uint32_t iterations = 0;
};

// Canonical text the hash runs over; percentile is fixed to two decimals so it survives JSON.
std::string token_message(const TokenFields& fields);

// 64 hex characters (32-byte key).
std::string compute_token(std::string_view secret, const TokenFields& fields);

// Iterations that cost about `target` on this core, measured now (a few short PBKDF2 runs).
std::uint32_t calibrate_iterations(std::chrono::duration<double, std::milli> target);

// Wall time of one PBKDF2 run with `iterations`, for the startup line.
std::chrono::duration<double, std::milli> measure_hash(std::uint32_t iterations);

// Equal in time that does not depend on where the two differ (OpenSSL's CRYPTO_memcmp); only
// the lengths may show.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// 32 random bytes as hex, from OpenSSL's CSPRNG: the per-start secret when none is configured.
std::string random_secret();

} // namespace ranking
