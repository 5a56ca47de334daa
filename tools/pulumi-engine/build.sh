#!/usr/bin/env bash
# Build the real Pulumi engine from its Go modules into .tools/pulumi/bin (ignored):
#   pulumi                       github.com/pulumi/pulumi/pkg/v3/cmd/pulumi (wrapper module cli/)
#   pulumi-language-python       github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
#                                (wrapper module language-python/)
#   pulumi-language-python-exec  the program runner the distribution ships beside the language host
#                                (recreated here: see its docstring)
# The release is the one the wrapper modules pin (the nearest to requirements.lock's
# `pulumi` that the module proxy serves). A second run with the same inputs builds nothing.
#
# The module proxy does not serve the language host's own module, so its source
# (one main.go) is taken from a local git clone of pulumi/pulumi named by
# PULUMI_SOURCE_GIT (PULUMI_SOURCE_REF, default HEAD), extracted into .tools/src.
# Without it, this script says so and exits 2; the conformance tests then skip.
#
# Heavy on CPU: run with `nice` on a shared machine (`make engine` does).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/pulumi/bin"
SRC="$TOOLS/src/pulumi-language-python"
STAMP="$TOOLS/pulumi/.built"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export GOMAXPROCS="${GOMAXPROCS:-2}"

release="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" {print $2}' "$HERE/cli/go.mod")"
source_ref=""
if [ -n "${PULUMI_SOURCE_GIT:-}" ]; then
    source_ref="$(git --git-dir="$PULUMI_SOURCE_GIT" rev-parse "${PULUMI_SOURCE_REF:-HEAD}")"
fi

inputs_hash() {
    { cat "$HERE/build.sh" "$HERE/pulumi-language-python-exec" "$HERE"/cli/go.* "$HERE"/language-python/go.*
      cat "$SRC"/main.go 2>/dev/null || true; go version; } | sha256sum | cut -d' ' -f1
}

if [ -f "$STAMP" ] && [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-python" ] \
   && { [ -z "$source_ref" ] || grep -qx "source $source_ref" "$STAMP"; } \
   && grep -qx "inputs $(inputs_hash)" "$STAMP"; then
    echo "pulumi engine $release up to date in $BIN"
    exit 0
fi

if [ -z "$source_ref" ]; then
    echo "pulumi-engine: the module proxy does not serve github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3;" \
         "set PULUMI_SOURCE_GIT to a git clone of pulumi/pulumi to build the language host from its source" >&2
    exit 2
fi

mkdir -p "$BIN" "$SRC"
for file in go.mod go.sum main.go; do
    git --git-dir="$PULUMI_SOURCE_GIT" show "$source_ref:sdk/python/cmd/pulumi-language-python/$file" > "$SRC/$file"
done

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$release"
start=$(date +%s)
(cd "$HERE/cli" && go build -trimpath -ldflags "$ldflags" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
(cd "$HERE/language-python" && go build -trimpath -ldflags "$ldflags" -o "$BIN/pulumi-language-python" \
    github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3)
install -m 0755 "$HERE/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"

printf 'release %s\nsource %s\ninputs %s\n' "$release" "$source_ref" "$(inputs_hash)" > "$STAMP"
echo "pulumi engine $release built in $BIN in $(( $(date +%s) - start )) s (language host source $source_ref)"
