#pragma once
// The tools' command lines parsed one way: Boost.Program_options with no abbreviation guessed
// (a removed flag must be unknown, not taken for a longer one) and no stray word (a typo, or a
// value that lost its flag, is an error rather than ignored).
#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/variables_map.hpp>

#include <optional>
#include <string>

namespace ranking {

// argv parsed with no abbreviation guessed; throws boost::program_options::error. Stray words are
// left in the result for the caller to refuse (collect_unrecognized with include_positional).
boost::program_options::parsed_options
parse_command_line(int argc, const char* const argv[],
                   const boost::program_options::options_description& options);

// Parses, stores and notifies argv into `vm`, refusing stray words; the error to print, or nothing.
std::optional<std::string> parse_flags(int argc, const char* const argv[],
                                       const boost::program_options::options_description& options,
                                       boost::program_options::variables_map& vm);

} // namespace ranking
