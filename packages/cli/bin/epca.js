#!/usr/bin/env node
// The `epca` bin. It is committed (and dist/ is not) so that `pnpm install` on a fresh clone can
// link it before anything is built; the command itself is the build's dist/cli.js.
import "../dist/cli.js";
