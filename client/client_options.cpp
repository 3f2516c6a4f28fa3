#include "client_options.hpp"

#include "mode.hpp"
#include "player_name.hpp"
#include "version.hpp"

#include <boost/program_options.hpp>

namespace ranking {

namespace po = boost::program_options;

namespace {

// game WHITE BLACK RESULT: checked here with the server's own rules, so that a typo costs no
// request. Fills o.game (its id stays empty when none was given); what is wrong otherwise.
std::optional<std::string> check_game(ClientOptions& o, bool given_id) {
    if (o.words.size() != 3) return "game takes WHITE BLACK RESULT, e.g. game alice bob 1-0";
    if (given_id && !valid_game_id(o.game.id))
        return "--id must be " + std::string(game_id_rule) + ", not '" + o.game.id + "'";
    for (auto [word, name] :
         {std::pair{&o.words[0], &o.game.white}, std::pair{&o.words[1], &o.game.black}}) {
        auto canonical = canonical_player_name(*word);
        if (!canonical)
            return "'" + *word + "' is not a player name (" + std::string(player_name_rule) + ")";
        *name = std::move(*canonical);
    }
    if (o.game.white == o.game.black) return "white and black must be two different players";
    const auto result = parse_game_result(o.words[2]);
    if (!result)
        return "RESULT must be 1-0, 0-1 or 1/2-1/2 (white's view), not '" + o.words[2] + "'";
    o.game.result = *result;
    return std::nullopt;
}

} // namespace

ParsedClientOptions parse_client_options(int argc, const char* const argv[], std::ostream& out,
                                         std::ostream& err) {
    ClientOptions o;
    long timeout_ms = o.timeout.count();
    long delay_ms = o.story_delay.count();
    po::options_description desc(
        "ranking-client: ask a running ranking-server, all requests at once on one io_context.\n\n"
        "Usage: ranking-client [options] COMMAND [ARGS...]\n\n"
        "Commands:\n"
        "  rank NAME...     ranking with its security token (costly: the server hashes)\n"
        "  player NAME...   the cheap lookup, no token\n"
        "  federation NAME...\n"
        "                   the player's rating at the chess federation, which the server\n"
        "                   asks the federation's rating service for (or has cached)\n"
        "  history NAME     the player's rating after each of their last 1000 games, as a\n"
        "                   line of blocks oldest to newest, and the last ten in a table\n"
        "  vs NAME OPPONENT the first player's wins, draws and losses against the other\n"
        "                   over all their games, and the ids of their last ten\n"
        "  story            alice asks for her token while bob and charlie look themselves\n"
        "                   up, all at once; prints the timeline and who waited for whom\n"
        "  story io         the same with the database: alice reports a few games, then asks\n"
        "                   for the export of every game (GET /games?limit=10000)\n"
        "  game WHITE BLACK RESULT [--id ID]\n"
        "                   report a game, RESULT 1-0, 0-1 or 1/2-1/2; prints both players'\n"
        "                   rating, RD and rank before and after, and whether it was new.\n"
        "                   A 503 or an answer lost after sending may mean the game was\n"
        "                   stored: it is sent again with the SAME id (up to 5 attempts in\n"
        "                   all, after the answer's Retry-After, at most 10 s, or 1 s), so it\n"
        "                   ends 201 (new) or 200 (already recorded), never a duplicate\n"
        "  mode [inline|offload]\n"
        "                   read, or set, where the server runs the hash and the store work\n"
        "                   (admin plane)\n\n"
        "Options");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("version", "print the version (ranking-client X.Y.Z) and exit")
        ("url", po::value(&o.data_url)->default_value(o.data_url), "the server's data plane")
        ("admin-url", po::value(&o.admin_url)->default_value(o.admin_url),
         "the server's admin plane")
        ("timeout-ms", po::value(&timeout_ms)->default_value(timeout_ms),
         "give up on a request after this long")
        ("delay-ms", po::value(&delay_ms)->default_value(delay_ms),
         "story: how long after alice bob and charlie ask")
        ("id", po::value(&o.game.id),
         "game: the game's id, to retry one safely (default: a fresh one, printed); a 503 is "
         "retried with this same id");
    // clang-format on
    po::options_description hidden;
    hidden.add_options()("command", po::value(&o.command))("words",
                                                           po::value(&o.words)->multitoken());
    po::positional_options_description positional;
    positional.add("command", 1).add("words", -1);
    po::options_description all;
    all.add(desc).add(hidden);

    const auto fail = [&](const std::string& message) {
        err << "ranking-client: " << message << "\n(see ranking-client --help)\n";
        return ParsedClientOptions{std::nullopt, 2};
    };
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(e.what());
    }
    if (vm.count("version")) {
        out << version_line("ranking-client");
        return {std::nullopt, 0};
    }
    if (vm.count("help")) {
        out << desc
            << "\nEnvironment:\n  RANKING_WRITE_TOKEN  sent as 'Authorization: Bearer TOKEN' with "
               "a game\n  RANKING_ADMIN_TOKEN  sent the same way to the admin plane (mode)\n";
        return {std::nullopt, 0};
    }
    auto data = parse_http_url(o.data_url);
    if (!data) return fail("--url must look like http://HOST:PORT, not '" + o.data_url + "'");
    auto admin = parse_http_url(o.admin_url);
    if (!admin)
        return fail("--admin-url must look like http://HOST:PORT, not '" + o.admin_url + "'");
    o.data = *data;
    o.admin = *admin;
    if (timeout_ms < 1 || timeout_ms > 600'000) return fail("--timeout-ms must be 1..600000");
    if (delay_ms < 0 || delay_ms > 10'000) return fail("--delay-ms must be 0..10000");
    o.timeout = std::chrono::milliseconds(timeout_ms);
    o.story_delay = std::chrono::milliseconds(delay_ms);

    if (o.command.empty())
        return fail("missing command: rank, player, federation, history, vs, story, game or mode");
    if (vm.count("id") && o.command != "game") return fail("--id is for the game command only");
    if (o.command == "rank" || o.command == "player" || o.command == "federation") {
        if (o.words.empty()) return fail(o.command + " needs at least one player name");
    } else if (o.command == "history") {
        if (o.words.size() != 1) return fail("history needs one player name");
    } else if (o.command == "vs") {
        if (o.words.size() != 2) return fail("vs needs two player names");
    } else if (o.command == "story") {
        if (o.words.size() > 1 || (o.words.size() == 1 && o.words[0] != "io"))
            return fail("story takes nothing or 'io'");
    } else if (o.command == "game") {
        if (auto problem = check_game(o, vm.count("id") > 0)) return fail(*problem);
    } else if (o.command == "mode") {
        if (o.words.size() > 1 || (o.words.size() == 1 && !parse_mode(o.words[0])))
            return fail("mode takes nothing, 'inline' or 'offload'");
    } else {
        return fail("unknown command '" + o.command +
                    "' (rank, player, federation, history, vs, story, game or mode)");
    }
    return {o, 0};
}

} // namespace ranking
