#include "token.hpp"

#include <doctest/doctest.h>

using namespace ranking;

TEST_CASE("PBKDF2-HMAC-SHA256 matches RFC 7914 section 11") {
    CHECK(to_hex(pbkdf2_sha256("passwd", "salt", 1, 64)) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    CHECK(to_hex(pbkdf2_sha256("Password", "NaCl", 80'000, 64)) ==
          "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST_CASE("zero iterations is refused, not silently accepted") {
    CHECK_THROWS_AS(pbkdf2_sha256("p", "s", 0, 32), std::runtime_error);
}

TEST_CASE("the token signs every field of the answer") {
    const TokenFields base{"alice", 1613, 1629, 5000, 67.26, 1'700'000'000'000, 1000};
    const auto token = compute_token("secret", base);
    CHECK(token.size() == 64);
    CHECK(token == compute_token("secret", base));
    CHECK(token != compute_token("other secret", base));

    auto changed = base;
    changed.player = "bob";
    CHECK(compute_token("secret", changed) != token);
    changed = base;
    changed.rank = 1628;
    CHECK(compute_token("secret", changed) != token);
    changed = base;
    changed.percentile = 67.27;
    CHECK(compute_token("secret", changed) != token);
    changed = base;
    changed.issued_at_ms += 1;
    CHECK(compute_token("secret", changed) != token);
    changed = base;
    changed.iterations = 1001;
    CHECK(compute_token("secret", changed) != token);
}

TEST_CASE("percentile is signed at two decimals, so it survives a JSON round trip") {
    TokenFields fields{"alice", 1613, 1629, 5000, 67.26, 1, 1};
    CHECK(token_message(fields) == "ranking-token-v1|alice|1613|1629|5000|67.26|1|1");
    fields.percentile = 67.26000000000001;
    CHECK(token_message(fields) == "ranking-token-v1|alice|1613|1629|5000|67.26|1|1");
}

TEST_CASE("random secrets are 64 hex characters and differ") {
    const auto a = random_secret();
    CHECK(a.size() == 64);
    CHECK(a != random_secret());
}
