#include "command_line.hpp"

namespace po = boost::program_options;

namespace ranking {

po::parsed_options parse_command_line(int argc, const char* const argv[],
                                      const po::options_description& options) {
    return po::command_line_parser(argc, argv)
        .options(options)
        .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
        .run();
}

std::optional<std::string> parse_flags(int argc, const char* const argv[],
                                       const po::options_description& options,
                                       po::variables_map& vm) {
    try {
        const auto parsed = parse_command_line(argc, argv, options);
        const auto words = po::collect_unrecognized(parsed.options, po::include_positional);
        if (!words.empty())
            return "unexpected argument '" + words.front() + "': every setting is a --flag";
        po::store(parsed, vm);
        po::notify(vm);
        return std::nullopt;
    } catch (const po::error& e) {
        return e.what();
    }
}

} // namespace ranking
