# shellcheck shell=bash
# Source this file (`source scripts/env.sh`) to put the project's tools first on PATH:
#   <repo>/.tools/binaryen/node_modules/.bin   wasm-opt from npm binaryen@132 (never Debian's binaryen)
#   $HOME/.cargo/bin                           cargo, cargo-leptos, wasm-bindgen
# It also exports TICKLIST_ROOT (the workspace root). Safe to source more than once; works in bash and zsh.

if [ -n "${BASH_VERSION:-}" ]; then
  TICKLIST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
elif [ -n "${ZSH_VERSION:-}" ]; then
  eval 'TICKLIST_ROOT="${${(%):-%x}:A:h:h}"'
else
  TICKLIST_ROOT="$(pwd)"
fi
export TICKLIST_ROOT

# Put $1 first on PATH, removing any other occurrence of it.
_ticklist_path_prepend() {
  _tl_rest=""
  _tl_left="${PATH}:"
  while [ -n "$_tl_left" ]; do
    _tl_entry="${_tl_left%%:*}"
    _tl_left="${_tl_left#*:}"
    if [ -n "$_tl_entry" ] && [ "$_tl_entry" != "$1" ]; then
      _tl_rest="${_tl_rest:+$_tl_rest:}$_tl_entry"
    fi
  done
  PATH="$1${_tl_rest:+:$_tl_rest}"
  unset _tl_rest _tl_left _tl_entry
}
_ticklist_path_prepend "${CARGO_HOME:-$HOME/.cargo}/bin"
_ticklist_path_prepend "${TICKLIST_ROOT}/.tools/binaryen/node_modules/.bin"
unset -f _ticklist_path_prepend
export PATH
