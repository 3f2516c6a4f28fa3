#!/usr/bin/env bash
# The docs (README.md, docs/*.md, load/README.md) against what they describe:
#   1. every relative link resolves to a file or directory, and a #fragment on a .md file (or a
#      link that is only a #fragment) names one of that file's headings, by GitHub's slug rules;
#   2. every --flag written in inline code or a code block is one the named binary's --help
#      lists (any of the four when the code names none), or belongs to an external tool that the
#      code span or line starts with (ALLOWED_TOOLS below), or to a repository script it starts
#      with (the script's text must mention the flag);
#   3. every flag of each binary's --help is documented where its readers look: ranking-server's,
#      ranking-client's and ranking-federation-standin's in docs/operations.md, ranking-load's in
#      load/README.md, store-bench's in docs/bench.md; --help and --version once anywhere;
#   4. every `make X` in inline code or a code block names a target of the Makefile.
# Prints one line per problem and a summary; exits 1 on any problem.
#
# Usage: check_docs.sh SOURCE_DIR RANKING_SERVER RANKING_CLIENT RANKING_LOAD STORE_BENCH
#                      [FEDERATION_STANDIN]
#        check_docs.sh --self-test    (runs the check on fixtures that must pass and fail)
# CHECK_DOCS_VERBOSE=1 also lists every link, flag and make target that passed, with whose flag
# it was taken for. Needs bash and perl only (no python, no network). Over 400 lines: the
# parsing of markdown, commands and --help is one perl program, and half the file is the
# self-test's fixtures, which must show the check failing as well as passing.
set -euo pipefail

# External tools whose flags the docs may show: a code span or command whose first word (after
# sudo, env, VAR=value, bash/sh) is one of these is not checked against our binaries. Doctest
# binaries (*_tests) and libFuzzer targets (fuzz_*) count as external too: their flags are
# doctest's and libFuzzer's.
ALLOWED_TOOLS="curl wget wrk h2load ab hey nginx haproxy ctest cmake cpack make ninja gcc g++ clang
  clang++ clang-format apt-get apt apt-cache dpkg dpkg-deb lintian git perf strace ltrace gdb
  valgrind setpriv systemd-analyze systemctl journalctl psql pg_ctl pg_ctlcluster initdb pgbench
  postgres jq promtool npm npx node gnuplot help2man shellcheck taskset nice chrt ionice timeout
  ss ip sysctl prlimit ulimit ps top pidstat mpstat vmstat iostat ls cat grep sed awk find xargs
  kill sort head tail tar docker ssh openssl sqlite3"

# The check itself, in perl: markdown has nested structure (code spans across lines, fences,
# list items) that sed and grep would get wrong.
# Arguments: SOURCE_DIR, then NAME=HELP_FILE for each binary (its --help output, stdout and
# stderr), and the allowed tools in the environment.
run_check() {
  ALLOWED_TOOLS="$ALLOWED_TOOLS" perl -CSDA -Mutf8 - "$@" <<'PERL'
use strict;
use warnings;
use Encode qw(decode);
use File::Basename qw(basename dirname);

my ($root, @binary_args) = @ARGV;
$root =~ s{/+$}{};
my %allowed_tool = map { $_ => 1 } split ' ', $ENV{ALLOWED_TOOLS};
my $problems = 0;
my $verbose = $ENV{CHECK_DOCS_VERBOSE};  # also list what was checked and found good
my %checked = (links => 0, flags => 0, targets => 0);

sub problem { print "$_[0]\n"; $problems++; }

sub slurp {  # a file as text; a byte that is not UTF-8 becomes U+FFFD, quietly
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    my $text = decode('UTF-8', scalar(<$fh>) // '');
    $text =~ s/\r\n?/\n/g;
    return $text;
}

# A flag: two dashes, then a name; not inside a word (a--b, <!--).
my $FLAG = qr/(?<![\w-])--([A-Za-z0-9][A-Za-z0-9_-]*)/;

# ---- the binaries' flags, from their --help -----------------------------------------------
# Every --name in the help text counts: Boost's "-h [ --help ]" and "--port arg (=8080)" lines,
# store-bench's one usage line, and flags a description refers to (all real flags).
my (@binaries, %flags_of);
for my $arg (@binary_args) {
    my ($name, $file) = split /=/, $arg, 2;
    push @binaries, $name;
    my $help = slurp($file) // '';
    if ($help =~ /^NOT EXECUTABLE: (.*)/) { problem("$name: not an executable: $1"); next }
    my %flags;
    $flags{"--$1"} = 1 while $help =~ /$FLAG/g;
    problem("$name: no --flag in its --help output") unless %flags;
    $flags_of{$name} = \%flags;
}
my %any_binary_flag = map { %$_ } values %flags_of;

# ---- markdown ------------------------------------------------------------------------------
# parse_markdown(text) -> {
#   code     => [{text, line}]: inline code spans and code block lines (backslash continuations
#               joined), where flags and make targets are looked for;
#   prose    => [{text, line}]: paragraphs with code spans blanked out, where links are;
#   headings => [text], ids => [explicit HTML ids] }
sub parse_markdown {
    my ($text) = @_;
    my @lines = split /\n/, $text, -1;
    my (@code, @prose, @headings, @ids, @para, @block);
    my ($fence_char, $fence_len, $in_indented, $in_list, $prev_blank) = (undef, 0, 0, 0, 1);

    my $flush_block = sub {
        # One unit per command: a line ending in '\' continues on the next.
        my $unit;
        for my $entry (@block) {
            my ($n, $l) = @$entry;
            if ($unit) { $unit->{text} .= "\n$l" } else { $unit = {text => $l, line => $n} }
            if ($l !~ /\\$/) { push @code, $unit; undef $unit }
        }
        push @code, $unit if $unit;
        @block = ();
    };
    my $flush_para = sub {
        return unless @para;
        my $line = $para[0][0];
        my $t = join "\n", map { $_->[1] } @para;
        @para = ();
        my $masked = $t;
        # HTML comments are not rendered: no links there.
        $masked =~ s/(<!--.*?-->)/(my $c = $1) =~ s{[^\n]}{ }g; $c/gse;
        # Code spans (CommonMark: a run of N backticks up to the next run of exactly N, across
        # line breaks within the paragraph) become code units and are blanked in the prose.
        my $i = 0;
        while ($i < length $t) {
            my $c = substr $t, $i, 1;
            if ($c eq '\\') { $i += 2; next }
            if ($c ne '`') { $i++; next }
            my ($run) = substr($t, $i) =~ /^(`+)/;
            my $len = length $run;
            pos($t) = $i + $len;
            if ($t =~ /\G(.*?)(?<!`)`{$len}(?!`)/sgc) {
                my ($start, $end) = ($i + $len, $-[1] + length $1);
                my $content = substr $t, $start, $end - $start;
                my $lines_before = () = substr($t, 0, $start) =~ /\n/g;
                push @code, {text => $content, line => $line + $lines_before};
                my $blank = substr $masked, $i, $end + $len - $i;
                $blank =~ s/[^\n]/ /g;
                substr($masked, $i, $end + $len - $i) = $blank;
                $i = $end + $len;
            } else {
                $i += $len;  # no closing run: literal backticks
            }
        }
        push @prose, {text => $masked, line => $line};
        push @ids, $1 while $masked =~ /<[a-z][^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']/gi;
    };

    for my $idx (0 .. $#lines) {
        my ($n, $l) = ($idx + 1, $lines[$idx]);
        if (defined $fence_char) {  # inside a fenced block: until a fence as long or longer
            if ($l =~ /^ {0,3}(\Q$fence_char\E{$fence_len,})\s*$/) {
                $flush_block->();
                undef $fence_char;
            } else {
                push @block, [$n, $l];
            }
            next;
        }
        # A fence: ``` or ~~~ (a ``` line whose info string holds a backtick is prose).
        if ($l =~ /^ {0,3}(`{3,}|~{3,})(.*)$/) {
            my ($fence, $info) = ($1, $2);
            unless ($fence =~ /^`/ && $info =~ /`/) {
                $flush_para->();
                $flush_block->() if $in_indented;
                ($fence_char, $fence_len) = (substr($fence, 0, 1), length $fence);
                ($in_indented, $prev_blank) = (0, 0);
                next;
            }
        }
        if ($l =~ /^\s*$/) {
            $flush_para->();
            $prev_blank = 1;
            next;
        }
        # An indented code block starts after a blank line, outside a list (there, indented
        # lines continue the item), and never interrupts a paragraph.
        if ($l =~ /^(?: {4}|\t)(.*)$/ && ($in_indented || ($prev_blank && !$in_list))) {
            push @block, [$n, $1];
            ($in_indented, $prev_blank) = (1, 0);
            next;
        }
        if ($in_indented) { $flush_block->(); $in_indented = 0 }
        if ($l =~ /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:\s|$)/) { $in_list = 1 }
        elsif ($prev_blank && $l !~ /^\s/) { $in_list = 0 }
        $prev_blank = 0;
        if ($l =~ /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/) {  # ATX heading
            $flush_para->();
            push @headings, $1 // '';
            push @para, [$n, $l];
            $flush_para->();
            next;
        }
        if (@para && $l =~ /^ {0,3}(?:=+|-+)\s*$/) {  # setext underline: the paragraph is a heading
            push @headings, join ' ', map { $_->[1] =~ s/^\s+|\s+$//gr } @para;
            $flush_para->();
            next;
        }
        push @para, [$n, $l];
    }
    $flush_para->();
    $flush_block->();
    return {code => \@code, prose => \@prose, headings => \@headings, ids => \@ids};
}

# GitHub's heading ids: the rendered text, lower case, every character other than a letter,
# digit, '-', '_' or space dropped, each space turned into '-'; a repeated id gets -1, -2, ...
sub heading_slugs {
    my ($md) = @_;
    my (%slugs, %seen);
    for my $h (@{$md->{headings}}) {
        my @parts = split /(`+[^`]*`+)/, $h;  # code spans keep their underscores
        for my $p (@parts) {
            next if $p =~ /^`/;
            $p =~ s/!?\[([^\]]*)\]\([^)]*\)/$1/g;      # links and images: their text
            $p =~ s/<[^>]+>//g;                        # HTML tags
            $p =~ s/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])//g;  # _emphasis_ markers
        }
        my $slug = lc join '', @parts;
        $slug =~ s/[^\p{L}\p{M}\p{N}\p{Pc} -]//g;
        $slug =~ tr/ /-/;
        my $unique = $seen{$slug}++ ? "$slug-" . ($seen{$slug} - 1) : $slug;
        $slugs{$unique} = 1;
    }
    $slugs{lc $_} = 1 for @{$md->{ids}};
    return \%slugs;
}

my (%md_cache, %slug_cache);
sub markdown_of {
    my ($path) = @_;
    $md_cache{$path} //= parse_markdown(slurp($path) // '');
}

sub line_at {  # the line of an offset into a unit's text
    my ($unit, $offset) = @_;
    my $newlines = () = substr($unit->{text}, 0, $offset) =~ /\n/g;
    return $unit->{line} + $newlines;
}

sub percent_decode { my ($s) = @_; $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge; $s }

sub normalize {  # a/./b/../c -> a/c; undef when it climbs out of the top
    my @out;
    for my $part (split m{/}, $_[0]) {
        next if $part eq '' || $part eq '.';
        if ($part eq '..') { return undef unless @out; pop @out } else { push @out, $part }
    }
    return join '/', @out;
}

# ---- 1. links ------------------------------------------------------------------------------
sub check_link {
    my ($doc, $line, $target) = @_;
    $target =~ s/^<(.*)>$/$1/;
    return if $target =~ m{^[A-Za-z][A-Za-z0-9+.-]*:} || $target =~ m{^//};  # http:, mailto:, ...
    $checked{links}++;
    my $wrong = link_problem($doc, $target);
    if ($wrong) { problem("$doc:$line: link to $target: $wrong") }
    elsif ($verbose) { print "ok $doc:$line: link to $target\n" }
}

sub link_problem {  # what is wrong with a relative link, or nothing
    my ($doc, $target) = @_;
    return 'empty target' if $target eq '';
    my ($path, $fragment) = split /#/, $target, 2;
    $path =~ s/\?.*//;
    $path = percent_decode($path);
    my $resolved = $path eq '' ? $doc
                 : $path =~ m{^/} ? normalize($path)
                 : normalize(dirname($doc) . "/$path");
    return 'outside the repository' unless defined $resolved;
    return "$resolved does not exist" if $path ne '' && !-e "$root/$resolved";
    # A fragment is checked on Markdown only (GitHub's line anchors on code are not headings).
    return undef unless defined $fragment && $fragment ne '' && $resolved =~ /\.(?:md|markdown)$/i;
    my $slugs = $slug_cache{$resolved} //= heading_slugs(markdown_of("$root/$resolved"));
    my $wanted = lc percent_decode($fragment);
    return $slugs->{$wanted} ? undef : "no heading in $resolved has the id '$wanted'";
}

# ---- commands in code ----------------------------------------------------------------------
# A code unit is cut into commands at ;, &&, ||, | and a # comment (outside quotes); each
# command is judged by its first word.
sub commands_of {
    my ($text) = @_;
    my (@cuts, $quote);
    my $start = 0;
    for (my $i = 0; $i < length $text; $i++) {
        my $c = substr $text, $i, 1;
        if ($quote) { undef $quote if $c eq $quote; next }
        if ($c eq "'" || $c eq '"') { $quote = $c; next }
        if ($c eq "\n") { undef $quote; next }
        if ($c eq '#' && ($i == 0 || substr($text, $i - 1, 1) =~ /\s/)) {
            push @cuts, [$start, $i];                # the comment is a command of its own:
            my $end = index $text, "\n", $i;         # its flags are checked against ours
            $end = length $text if $end < 0;
            push @cuts, [$i, $end];
            $start = $i = $end;
            next;
        }
        if ($c =~ /[;|&]/) {
            my $len = substr($text, $i, 2) =~ /^(?:&&|\|\|)$/ ? 2 : 1;
            next if $c eq '&' && $len == 1;          # a lone & (background, &>) does not cut
            push @cuts, [$start, $i];
            $start = $i + $len;
            $i += $len - 1;
        }
    }
    push @cuts, [$start, length $text];
    return @cuts;
}

# The words of a command with what precedes the program dropped: sudo, env, time, VAR=value,
# a $ prompt, and bash/sh before a script.
sub program_words {
    my ($command) = @_;
    my @words = split ' ', $command;
    shift @words while @words && ($words[0] =~ /^(?:\$|sudo|env|time|exec|command|nohup|\(|\{)$/
                                  || $words[0] =~ /^[A-Za-z_][A-Za-z0-9_]*=/);
    shift @words if @words > 1 && $words[0] =~ /^(?:bash|sh)$/ && $words[1] !~ /^-/;
    return @words;
}

my %script_text;
sub check_flags {
    my ($doc, $unit, $from, $to) = @_;
    my $command = substr $unit->{text}, $from, $to - $from;
    my ($program) = program_words($command);
    my $name = defined $program ? basename($program) : '';
    my ($accepts, $whose, $fallback);
    if (grep { $_ eq $name } @binaries) {
        return unless $flags_of{$name};  # its --help could not be run: reported already
        ($accepts, $whose) = ($flags_of{$name}, "a flag of $name (its --help)");
    } elsif ($allowed_tool{$name} || $name =~ /_tests$|^fuzz_/) {
        ($accepts, $whose) = (undef, 'external');  # the tool's own flags: not ours to check
    } elsif (defined $program && $program =~ m{/} && -f "$root/$program" && -T _) {
        # A repository script: its text must mention the flag (it parses or passes it on).
        my $text = $script_text{$program} //= slurp("$root/$program") // '';
        my %mentioned;
        $mentioned{"--$1"} = 1 while $text =~ /$FLAG/g;
        ($accepts, $whose) = (\%mentioned, "mentioned in $program");
    } else {
        # Not a command (a bare flag, a comment, prose in a block): any binary's flag, or one of
        # an external tool named before it ("# or: sudo systemctl enable --now ...").
        ($accepts, $whose) = (\%any_binary_flag, 'a flag of ' . join(', ', @binaries) . ' (their --help)');
        $fallback = 1;
    }
    my $tool_named_before = sub {
        return 0 unless $fallback;
        return grep { $allowed_tool{basename($_)} } split ' ', substr($command, 0, $_[0]);
    };
    while ($command =~ /$FLAG/g) {
        my $flag = "--$1";
        $checked{flags}++;
        my ($at, $before) = ($-[0], substr $command, 0, $-[0]);
        # make run ARGS=--blocking: what follows ARGS= goes to our binary, not to make.
        my ($ok, $what) = $before =~ /\bARGS=["']?[^"'\s]*$|\bARGS=["'][^"']*$/
                        ? ($any_binary_flag{$flag}, 'a flag of ' . join(', ', @binaries))
                        : (!$accepts || $accepts->{$flag}, $whose);
        ($ok, $what) = (1, 'external') if !$ok && $tool_named_before->($at);
        my $where = "$doc:" . line_at($unit, $from + $at);
        if (!$ok) { problem("$where: $flag is not $what") }
        elsif ($verbose) { print "ok $where: $flag: " . ($what =~ s/^a flag of //r) . "\n" }
    }
}

# ---- 4. make targets -----------------------------------------------------------------------
my %make_target;
{
    my $makefile = slurp("$root/Makefile") // '';
    $makefile =~ s/\\\n/ /g;
    for (split /\n/, $makefile) {
        next if /^\t/ || /^\s*#/;
        next unless /^([^:=#\t]+?)\s*::?(?!=)/;
        my $targets = $1;
        next if $targets =~ /\$/;
        $make_target{$_} = 1 for grep { !/^\./ } split ' ', $targets;
    }
    problem("Makefile: no targets found") unless %make_target;
}

sub pattern_matches {  # a pattern rule's target (test-%) matches test-asan
    my ($pattern, $word) = @_;
    return 0 unless $pattern =~ /^(.*)%(.*)$/;
    my ($prefix, $suffix) = ($1, $2);
    return $word =~ /^\Q$prefix\E.+\Q$suffix\E$/;
}

sub check_make {
    my ($doc, $unit, $from, $to) = @_;
    my $command = substr $unit->{text}, $from, $to - $from;
    my @words = program_words($command);
    return unless @words && $words[0] eq 'make';
    shift @words;
    while (@words) {
        my $w = shift @words;
        if ($w =~ /^-[CfIjoW]$/) { shift @words; next }  # an option and its argument
        next if $w =~ /^-/ || $w =~ /=/;                   # other options, VAR=value
        last unless $w =~ /^[A-Za-z0-9_.\/+%-]+$/;         # redirections, prose: the end
        $checked{targets}++;
        my $ok = $make_target{$w} || grep { pattern_matches($_, $w) } keys %make_target;
        my $where = "$doc:" . line_at($unit, $from);
        if (!$ok) { problem("$where: make $w: no such target in the Makefile") }
        elsif ($verbose) { print "ok $where: make $w\n" }
    }
}

# ---- the docs ------------------------------------------------------------------------------
my @docs = ('README.md');
if (opendir my $dh, "$root/docs") {
    push @docs, map { "docs/$_" } sort grep { /\.md$/ && -f "$root/docs/$_" } readdir $dh;
}
push @docs, 'load/README.md';
my %doc_text;
for my $doc (@docs) {
    my $text = slurp("$root/$doc");
    if (!defined $text) { problem("$doc: missing"); next }
    $doc_text{$doc} = $text;
    my $md = markdown_of("$root/$doc");
    for my $para (@{$md->{prose}}) {
        my $t = $para->{text};
        my $at = sub { $para->{line} + (() = substr($t, 0, $_[0]) =~ /\n/g) };
        # [text](target "title") and ![alt](target): every "](" outside code opens a link.
        while ($t =~ /\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)/g) {
            check_link($doc, $at->($-[0]), $1);
        }
        while ($t =~ /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/mg) {  # [label]: target
            check_link($doc, $at->($-[0]), $1);
        }
        while ($t =~ /<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']*)["']/gi) {
            check_link($doc, $at->($-[0]), $1);
        }
    }
    for my $unit (@{$md->{code}}) {
        for my $cut (commands_of($unit->{text})) {
            check_flags($doc, $unit, @$cut);
            check_make($doc, $unit, @$cut);
        }
    }
}

# ---- 3. every flag of --help documented ----------------------------------------------------
my %documented_in = ('ranking-server' => 'docs/operations.md', 'ranking-client' => 'docs/operations.md',
                     'ranking-load' => 'load/README.md', 'store-bench' => 'docs/bench.md',
                     'ranking-federation-standin' => 'docs/operations.md');
my %reported_missing;
for my $name (@binaries) {
    my $doc = $documented_in{$name} or next;
    next unless $flags_of{$name};  # not run: reported above
    my $text = $doc_text{$doc} // slurp("$root/$doc");
    if (!defined $text) {
        problem("$doc: missing (it should document ${name}'s flags)")
            unless $reported_missing{$doc}++ || grep { $_ eq $doc } @docs;
        next;
    }
    for my $flag (sort keys %{$flags_of{$name}}) {
        next if $flag eq '--help' || $flag eq '--version';
        problem("$doc: $name $flag (in its --help) is not documented here")
            unless $text =~ /(?<![\w-])\Q$flag\E(?![\w-])/;
    }
}
my $all_docs = join "\n", values %doc_text;
for my $flag ('--help', '--version') {
    next unless grep { $_->{$flag} } values %flags_of;
    problem("$flag is documented in none of " . join(', ', @docs))
        unless $all_docs =~ /(?<![\w-])\Q$flag\E(?![\w-])/;
}

my $counts = "$checked{links} links, $checked{flags} flags, $checked{targets} make targets";
if ($problems) {
    print "check_docs: $problems problem(s) in " . join(', ', @docs) . " ($counts checked)\n";
    exit 1;
}
print "check_docs: the docs hold ($counts checked; every --help flag documented)\n";
exit 0;
PERL
}

# Runs each binary's --help (stdout and stderr: store-bench prints its usage on stderr and
# exits 2, so the status is not a verdict), then the check.
check() {
  local root=$1 help_dir
  shift
  help_dir=$(mktemp -d)
  # Named by position, not by file name: the docs call them by these names.
  local names=(ranking-server ranking-client ranking-load store-bench ranking-federation-standin)
  local args=() name bin status=0
  for bin in "$@"; do
    name=${names[${#args[@]}]}
    if [ ! -x "$bin" ]; then
      echo "NOT EXECUTABLE: $bin" >"$help_dir/$name"
    else
      timeout 10 "$bin" --help >"$help_dir/$name" 2>&1 </dev/null || true
    fi
    args+=("$name=$help_dir/$name")
  done
  run_check "$root" "${args[@]}" || status=$?
  rm -rf "$help_dir"
  return "$status"
}

# ---- --self-test: the check on fixtures, one that must pass and one that must fail ---------
fake_binary() {  # fake_binary PATH FLAG...: prints a Boost-style --help listing the flags
  local path=$1 name flag
  shift
  name=$(basename "$path")
  {
    echo '#!/bin/sh'
    echo "echo 'Usage: $name [options]'"
    echo "echo '  -h [ --help ]   print this help and exit'"
    echo "echo '  --version       print the version and exit'"
    for flag in "$@"; do echo "echo '  --$flag arg     something'"; done
  } >"$path"
  chmod +x "$path"
}

write_good_fixture() {
  local r=$1
  mkdir -p "$r/docs/sub" "$r/load" "$r/bin" "$r/scripts"
  fake_binary "$r/bin/ranking-server" port mode blocking
  fake_binary "$r/bin/ranking-client" url id
  fake_binary "$r/bin/ranking-load" rate mix canary
  # store-bench: a usage line on stderr and status 2, as the real one.
  printf '#!/bin/sh\necho "usage: store-bench [--rate N] [--seconds S] | --version" >&2\nexit 2\n' \
    >"$r/bin/store-bench"
  chmod +x "$r/bin/store-bench"
  printf '#!/bin/sh\n# takes --fast\n' >"$r/scripts/tool.sh"
  printf 'all: build\nbuild:\n\ttrue\nrun fuzz: build\n\ttrue\ntest-%%: build\n\ttrue\nX := y\n' \
    >"$r/Makefile"
  cat >"$r/README.md" <<'EOF'
# Top

See [operations](docs/operations.md), [its flags](docs/operations.md#the-flags-of-ranking-server),
[the second](docs/operations.md#again-1), [a directory](docs/sub), [above](#top),
[outside code `--rate`](load/README.md "title") and ![an image](docs/sub/pic.png).
The web: [x](https://example.com/nope.md) and [mail](mailto:a@b.c). In code, not a link:
`[x](missing.md)`.

Flags: `--mode inline`, `ranking-server --port 0 --blocking`, `ranking-client --id g1`,
a span across lines `ranking-load
--rate 5 --mix players=1`, `store-bench --rate 1 --seconds 2`, `curl --max-time 3 localhost`,
`sudo dpkg -i x.deb`, `unit_tests --test-case=x`, `scripts/tool.sh --fast`,
`make run ARGS=--blocking`, `make fuzz FUZZ_SECONDS=1`, `make test-asan`, `make`,
`ranking-server --help`, `ranking-load --version`.

```sh
ranking-load --rate 10 \
  --canary 50/s      # then --mix
make build && ranking-client --url http://x
ranking-server --port 1   # or: sudo systemctl enable --now ranking-server
# --port in a comment
```

    make run            # an indented code block
EOF
  cat >"$r/docs/operations.md" <<'EOF'
# Operations

## The flags of ranking-server

`--port`, `--mode`, `--blocking`: the server. `--url`, `--id`: the client.

## Again

## Again

```sh
# Not a heading: it is in a code block
```
EOF
  : >"$r/docs/sub/pic.png"
  cat >"$r/docs/bench.md" <<'EOF'
# Bench

`--rate` and `--seconds`.
EOF
  cat >"$r/load/README.md" <<'EOF'
# ranking-load

`--rate`, `--mix` and `--canary`.
EOF
}

# The same fixture with one fault of each kind; each line here must be reported, and nothing else.
write_bad_fixture() {
  local r=$1
  write_good_fixture "$r"
  fake_binary "$r/bin/ranking-server" port mode blocking undocumented
  # In a file of its own, so that its line numbers stay put when the good fixture grows.
  cat >"$r/docs/broken.md" <<'EOF'
# Broken

[gone](missing.md), [bad anchor](operations.md#not-a-heading), [up](../../x.md),
[code heading](operations.md#not-a-heading-it-is-in-a-code-block), [here](#nowhere),
`--no-such-flag`, `ranking-client --port 1`, `scripts/tool.sh --slow`, `make no-such-target`,
`make run ARGS=--nope`.

```sh
make build deploy   # deploy is not a target
ranking-load --rate 1 \
  --bogus 2         # or: curl --bogus-too
```
EOF
}

BAD_EXPECTED='docs/broken.md:3: link to missing.md: docs/missing.md does not exist
docs/broken.md:3: link to operations.md#not-a-heading: no heading in docs/operations.md has the id '\''not-a-heading'\''
docs/broken.md:3: link to ../../x.md: outside the repository
docs/broken.md:4: link to operations.md#not-a-heading-it-is-in-a-code-block: no heading in docs/operations.md has the id '\''not-a-heading-it-is-in-a-code-block'\''
docs/broken.md:4: link to #nowhere: no heading in docs/broken.md has the id '\''nowhere'\''
docs/broken.md:5: --no-such-flag is not a flag of ranking-server, ranking-client, ranking-load, store-bench (their --help)
docs/broken.md:5: --port is not a flag of ranking-client (its --help)
docs/broken.md:5: --slow is not mentioned in scripts/tool.sh
docs/broken.md:5: make no-such-target: no such target in the Makefile
docs/broken.md:6: --nope is not a flag of ranking-server, ranking-client, ranking-load, store-bench
docs/broken.md:9: make deploy: no such target in the Makefile
docs/broken.md:11: --bogus is not a flag of ranking-load (its --help)
docs/operations.md: ranking-server --undocumented (in its --help) is not documented here'

self_test() {
  local dir failures=0 out status
  dir=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
  trap "rm -rf '$dir'" EXIT
  local bins=(bin/ranking-server bin/ranking-client bin/ranking-load bin/store-bench)

  write_good_fixture "$dir/good"
  status=0
  out=$(check "$dir/good" "${bins[@]/#/$dir/good/}") || status=$?
  if [ "$status" -eq 0 ]; then
    echo "self-test: the good fixture passes: ok"
  else
    echo "self-test: the good fixture should pass (status $status):"
    echo "$out"
    failures=$((failures + 1))
  fi

  write_bad_fixture "$dir/bad"
  status=0
  out=$(check "$dir/bad" "${bins[@]/#/$dir/bad/}") || status=$?
  local problems
  problems=$(grep -v '^check_docs: ' <<<"$out" || true)
  if [ "$status" -eq 1 ] && [ "$problems" = "$BAD_EXPECTED" ]; then
    echo "self-test: the bad fixture fails with the $(wc -l <<<"$BAD_EXPECTED") expected problems: ok"
  else
    echo "self-test: the bad fixture should fail (status $status, wanted 1) with exactly:"
    echo "$BAD_EXPECTED"
    echo "but reported:"
    echo "$out"
    diff <(echo "$BAD_EXPECTED") <(echo "$problems") || true
    failures=$((failures + 1))
  fi

  # Each binary's section missing: reported once per file, not once per flag.
  rm "$dir/good/docs/operations.md" "$dir/good/docs/bench.md"
  status=0
  out=$(check "$dir/good" "${bins[@]/#/$dir/good/}") || status=$?
  if [ "$status" -eq 1 ] && grep -qx 'docs/operations.md: missing (it should document ranking-server'\''s flags)' <<<"$out" \
     && grep -qx 'docs/bench.md: missing (it should document store-bench'\''s flags)' <<<"$out" \
     && [ "$(grep -c 'operations.md: missing' <<<"$out")" -eq 1 ]; then
    echo "self-test: missing docs/operations.md and docs/bench.md are reported: ok"
  else
    echo "self-test: missing docs/operations.md and docs/bench.md should be reported once each:"
    echo "$out"
    failures=$((failures + 1))
  fi

  if [ "$failures" -ne 0 ]; then
    echo "self-test: $failures case(s) FAILED"
    return 1
  fi
  echo "self-test: all cases passed"
}

if [ "${1:-}" = "--self-test" ]; then
  self_test
  exit
fi
if [ $# -ne 5 ] && [ $# -ne 6 ]; then
  echo "usage: $0 SOURCE_DIR RANKING_SERVER RANKING_CLIENT RANKING_LOAD STORE_BENCH [FEDERATION_STANDIN]" >&2
  echo "       $0 --self-test" >&2
  exit 2
fi
check "$@"
