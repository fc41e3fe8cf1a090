#!/usr/bin/env bash
# Makes sure the offline stack image (paas/stack:bookworm) exists, building
# it from Debian packages when it does not (needs root and the Debian mirror,
# about two minutes; kept afterwards). Run after `npm run build` and
# ensure-docker.sh. Uses `paas-server stacks:build` once main.ts wires it,
# else calls the builder module directly.
set -euo pipefail
cd "$(dirname "$0")/.."

if node bin/paas-server.js help 2>/dev/null | grep -q 'stacks:build'; then
  exec node bin/paas-server.js stacks:build "$@"
fi
exec node --input-type=module -e '
import Docker from "dockerode";
import { runStacksBuild } from "./dist/builder/stacks-build-command.js";
try {
  await runStacksBuild(process.argv.slice(1), { docker: new Docker(), isRoot: process.getuid?.() === 0, print: (line) => console.log(line) });
} catch (err) {
  console.error(err.message + (err.hint ? "\n" + err.hint : ""));
  process.exit(1);
}' -- "$@"
