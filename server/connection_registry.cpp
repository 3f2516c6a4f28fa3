#include "connection_registry.hpp"

namespace ranking {

ConnectionRegistry::Membership::Membership(ConnectionRegistry& registry,
                                           ServerConnection& connection)
    : registry_(registry), connection_(connection) {
    registry_.idle_by_connection_.emplace(&connection_, false);
    if (registry_.levels_) ++registry_.levels_->open_connections;
}

ConnectionRegistry::Membership::~Membership() {
    registry_.idle_by_connection_.erase(&connection_);
    if (registry_.levels_) --registry_.levels_->open_connections;
}

void ConnectionRegistry::Membership::set_idle(bool idle) {
    if (idle && registry_.stopping_) connection_.close(); // the stop came while we were busy
    registry_.idle_by_connection_[&connection_] = idle;
}

void ConnectionRegistry::stop() {
    stopping_ = true;
    // Cancel, not close: a wait whose bytes already came in still completes, and that request is
    // read and answered; a wait still pending fails and its session ends.
    for (auto [connection, is_idle] : idle_by_connection_)
        if (is_idle) connection->cancel();
}

} // namespace ranking
