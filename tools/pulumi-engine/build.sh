#!/usr/bin/env bash
# Build the real Pulumi engine from its Go modules into .tools/pulumi/bin (ignored):
#   pulumi                       github.com/pulumi/pulumi/pkg/v3/cmd/pulumi (wrapper module cli/)
#   pulumi-language-python       github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3,
#                                from the module proxy at the same release
#   pulumi-language-python-exec  the program runner the distribution ships beside the language host
#                                (recreated here: see its docstring)
# The release is the one the wrapper module pins (the nearest to requirements.lock's `pulumi`
# that the module proxy serves). A second run with the same inputs builds nothing.
#
# The module proxy reachable here answers 403 for the language host's module at every version
# (docs/CONFORMANCE.md). Then this script says exactly what the proxy answered and exits 2 before
# building anything (a CLI without the host cannot run Python programs); the conformance tests skip
# with that reason. Nothing is built from any other source.
#
# Heavy on CPU: run with `nice` on a shared machine (`make engine` does).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/pulumi/bin"
HOST_WRAPPER="$TOOLS/build/language-python"
STAMP="$TOOLS/pulumi/.built"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export GOMAXPROCS="${GOMAXPROCS:-2}"

release="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" {print $2}' "$HERE/cli/go.mod")"
HOST_MODULE="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"

inputs_hash() {
    { cat "$HERE/build.sh" "$HERE/pulumi-language-python-exec" "$HERE"/cli/go.*; go version; } | sha256sum | cut -d' ' -f1
}

if [ -f "$STAMP" ] && [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-python" ] \
   && grep -qx "inputs $(inputs_hash)" "$STAMP"; then
    echo "pulumi engine $release up to date in $BIN"
    exit 0
fi
mkdir -p "$BIN" "$HOST_WRAPPER"

# The host as its own module at the CLI's release, through the proxy like every other module.
printf 'module perimeter.local/language-python\n\ngo 1.26\n\nrequire %s %s\n' "$HOST_MODULE" "$release" \
    > "$HOST_WRAPPER/go.mod"
if ! answer="$(cd "$HOST_WRAPPER" && go mod download -json "$HOST_MODULE@$release" 2>&1)"; then
    reason="$(printf '%s' "$answer" | grep -o '"Error": *"[^"]*"' | head -n 1)"
    echo "pulumi-engine: the module proxy refuses $HOST_MODULE@$release" \
         "(${reason:-$answer}); without a Python language host the engine cannot run Python programs" >&2
    exit 2
fi

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$release"
start=$(date +%s)
if [ ! -x "$BIN/pulumi" ] || ! grep -qx "cli $release" "$STAMP" 2>/dev/null; then
    (cd "$HERE/cli" && go build -trimpath -ldflags "$ldflags" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    printf 'cli %s\n' "$release" > "$STAMP"
fi
(cd "$HOST_WRAPPER" && go build -trimpath -ldflags "$ldflags" -o "$BIN/pulumi-language-python" "$HOST_MODULE")
install -m 0755 "$HERE/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"

printf 'cli %s\ninputs %s\n' "$release" "$(inputs_hash)" > "$STAMP"
echo "pulumi engine $release built in $BIN in $(( $(date +%s) - start )) s"
