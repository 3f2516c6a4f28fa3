// The store's guarantees (store_guarantees.hpp) against SQLite; test_pg_game_store.cpp runs
// the same body against PostgreSQL.
#include "store_guarantees.hpp"

TEST_CASE_TEMPLATE_INVOKE(store_guarantees, ranking::SqliteBackend);
