#!/usr/bin/env bash
# Runs the @tasks/nestjs tests against NestJS 11 instead of the pinned 12, in a
# throw-away copy of the repository (the lockfile here is not touched). Arguments go
# to jest (`.ci/run` passes its report options).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work"
cd "$work"
node -e '
  const fs = require("fs");
  const file = "packages/nestjs/package.json";
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  Object.assign(pkg.devDependencies, {
    "@nestjs/common": "11.2.10", "@nestjs/core": "11.2.10",
    "@nestjs/platform-express": "11.2.10", "@nestjs/testing": "11.2.6",
  });
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
'
pnpm install --no-frozen-lockfile --silent
pnpm --filter @tasks/core --filter @tasks/bullmq run build
pnpm exec jest packages/nestjs "$@"
