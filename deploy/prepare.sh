#!/bin/sh
# Makes the per-site inputs of deploy/kustomization.yaml: the gzip of podpath's bundle (run
# `npm run build` first, or pass the path of a released podpath.mjs) and two independent random
# secrets (the probe HMAC key and the agents' API token, 64 hex characters each). Secrets are
# kept if they exist, so running it again does not cut the agents off from the coordinator.
set -eu
here=$(dirname "$0")
bundle=${1:-$here/../dist/podpath.mjs}
[ -f "$bundle" ] || { echo "prepare.sh: no bundle at $bundle (npm run build, or give its path)" >&2; exit 2; }
gzip -9 -n -c "$bundle" > "$here/podpath.mjs.gz"
umask 077
for f in hmac-key api-token; do
  [ -s "$here/$f" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$here/$f"
done
if cmp -s "$here/hmac-key" "$here/api-token"; then echo "prepare.sh: key and token are equal" >&2; exit 2; fi
echo "ready: kubectl apply -k $here"
