// The store's guarantees (store_guarantees.hpp) against SQLite; test_pg_game_store.cpp runs
// the same body against PostgreSQL.
#include "club_verify_cases.hpp"
#include "store_guarantees.hpp"

TEST_CASE_TEMPLATE_INVOKE(store_guarantees, ranking::SqliteBackend);
TEST_CASE_TEMPLATE_INVOKE(club_verify, ranking::SqliteBackend);
