#pragma once
// A rating history as one line of the terminal: the values, oldest first, squeezed or spread to
// `width` columns (each column the last value of its share), each drawn as one of eight block
// characters from the lowest value to the highest.
#include <string>
#include <vector>

namespace ranking {

std::string sparkline(const std::vector<double>& values, std::size_t width);

} // namespace ranking
