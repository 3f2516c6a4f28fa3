#include "rating_chart.hpp"

#include <doctest/doctest.h>

using namespace ranking;

TEST_CASE("a sparkline runs from the lowest block to the highest, one column a share") {
    CHECK(sparkline({1500, 1510, 1520, 1530, 1540, 1550, 1560, 1570}, 60) == "▁▂▃▄▅▆▇█");
    CHECK(sparkline({1600, 1500}, 60) == "█▁");
    CHECK(sparkline({1500, 1500, 1500}, 60) == "▄▄▄"); // no change: the middle
    // Eight values in four columns: each the last of its two.
    CHECK(sparkline({1500, 1510, 1520, 1530, 1540, 1550, 1560, 1570}, 4) == "▂▄▆█");
    CHECK(sparkline({}, 10).empty());
}
