import { once } from "node:events";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";

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

/** What a test page's server answers for a path other than the page itself, or `undefined` for the page. */
export type PageAsset = (path: string) => { readonly type: string; readonly body: string | Buffer } | undefined;

/** A page served on loopback (port 0) and a headless Chromium to open it in. */
export interface PageInChromium {
  readonly url: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Serves `page` (and `assets`) on loopback and launches Debian's Chromium; `close` ends both. */
export async function servePageInChromium(page: string, assets: PageAsset = () => undefined): Promise<PageInChromium> {
  const server: Server = createServer((req, res) => {
    const asset = assets(req.url ?? "/");
    if (asset) res.writeHead(200, { "content-type": asset.type }).end(asset.body);
    else res.writeHead(200, { "content-type": "text/html" }).end(page);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** Opens `url` in a new page and answers what the page's script sets as `window.result`. */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs: number): Promise<T> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: timeoutMs });
  return (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as T;
}
