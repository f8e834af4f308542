# Shared by the bench-*.sh scripts (sourced): tool checks, the release build and a timer.
# Expects $root (repository) and $work (working folder); sets $z (the zenome binary).

# need NAME HINT TOOL...: exit with HINT unless every TOOL is on the PATH.
need() {
  local name=$1 hint=$2; shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is missing ($hint)" >&2; exit 1; }
  done
}

# Builds zenome, enters $work and starts a fresh times.tsv.
setup() {
  (cd "$root" && cargo build --release --quiet)
  z=$root/target/release/zenome
  mkdir -p "$work" && cd "$work"
  rm -f times.tsv
}

# timeit NAME COMMAND...: runs COMMAND under GNU time; appends "NAME<TAB>seconds peak_KB".
timeit() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "time.$name" "$@"
  printf '%s\t%s\n' "$name" "$(cat "time.$name")" >> times.tsv
}
