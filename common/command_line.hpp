#pragma once
// The tools' command lines parsed one way: Boost.Program_options with no abbreviation guessed
// (a removed flag must be unknown, not taken for a longer one) and no stray word (a typo, or a
// value that lost its flag, is an error rather than ignored).
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include <optional>
#include <string>

namespace ranking {

// Parses, stores and notifies argv into `vm`; the error to print, or nothing.
std::optional<std::string> parse_flags(int argc, const char* const argv[],
                                       const boost::program_options::options_description& options,
                                       boost::program_options::variables_map& vm);

} // namespace ranking
