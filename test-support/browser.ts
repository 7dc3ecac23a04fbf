import { existsSync } from "node:fs";

/** Debian's Chromium (`apt-get install chromium`), or `EPCA_CHROMIUM` when set. */
export const chromiumPath = [process.env.EPCA_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (path): path is string => typeof path === "string" && existsSync(path),
);

if (!chromiumPath) {
  if (process.env.EPCA_REQUIRE_BROWSER) throw new Error("EPCA_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)");
  console.warn("[epca] browser tests SKIPPED: no Chromium found (apt-get install chromium, or set EPCA_CHROMIUM)");
}

/** Flags for headless Chromium on a machine with no network but loopback. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
