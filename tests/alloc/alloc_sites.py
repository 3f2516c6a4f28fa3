#!/usr/bin/env python3
"""Groups RANKING_ALLOC_TRACE output (stdin) by allocation site, with counts.

A site is: the first frame past the allocator plumbing (what allocates: basic_fields::new_element,
a json node, a std::string...), and the innermost frames of this repository (who asked for it).
An allocation made inside an Asio completion (a Beast read or write) has no project frame: with
use_awaitable, the awaiting coroutine is not on the native stack then, only the operation is.

    RANKING_ALLOC_TRACE=43 build/release/tests/alloc_tests -tc='GET /healthz*' 2>&1 |
        tests/alloc/alloc_sites.py 1
(the argument: how many requests the traces cover, to print counts per request)
"""
import collections
import re
import sys

PLUMBING = re.compile(
    r"^(void )?(operator new|std::(__new_allocator|allocator|allocator_traits|__allocated_ptr|"
    r"_Vector_base|__cxx11::basic_string<[^(]*::(_M_create|_M_construct|reserve|_M_mutate)))")
FRAME = re.compile(r"^\s+#\d+\s+0x[0-9a-f]+ (.*) at (\S+):(\d+)$")
REPO = re.compile(r"^.*/(common|net|server|store|client|load|tests)/")


def repo_relative(match):
    return match.group(1) + "/"


def shorten(name, width=100):
    # Template arguments and parameter lists out: boost::beast::http::basic_fields::new_element()
    while re.search(r"<[^<>]*>", name):
        name = re.sub(r"<[^<>]*>", "", name)
    name = re.sub(r"\[abi:cxx11\]|^void |^auto ", "", name)
    if "<" in name:  # a name cut short by the trace (2000 characters): its open template
        name = name[: name.index("<")] + "<...>"
    return re.sub(r"\([^()]*\)", "()", name)[:width]


def sites(text):
    for body in re.findall(r"ranking-alloc-trace #\d+: (.*?)ranking-alloc-trace end", text, re.S):
        frames = [m.groups() for m in map(FRAME.match, body.splitlines()) if m]
        what = next((f[0] for f in frames if not PLUMBING.search(f[0])), "?")
        ours = [f"{shorten(f[0], 50)} {REPO.sub(repo_relative, f[1])}:{f[2]}" for f in frames
                if REPO.match(f[1]) and "RankingServer::run" not in f[0]]
        yield shorten(what), " <- ".join(ours[:3]) or "(in an Asio/Beast completion)"


def main():
    requests = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    counts = collections.Counter(sites(sys.stdin.read()))
    for (what, ours), n in counts.items():  # in the order first seen
        print(f"{n / requests:6.1f}  {what}\n        {ours}")
    print(f"{sum(counts.values()) / requests:6.1f}  in all")


main()
