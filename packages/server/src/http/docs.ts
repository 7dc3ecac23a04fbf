import { createRequire } from "node:module";
import path from "node:path";
import express, { type RequestHandler, type Router } from "express";
import { documentAt } from "./openapi.js";
import helmet from "helmet";
import swaggerUi from "swagger-ui-express";

const require = createRequire(import.meta.url);

/** Relaxed CSP for the documentation pages only: ReDoc runs its search in a blob: worker. */
const docsHelmet = helmet({
  contentSecurityPolicy: {
    directives: {
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'", "https:"],
      "img-src": ["'self'", "data:", "https:"],
      "font-src": ["'self'", "data:", "https:"],
      "worker-src": ["'self'", "blob:"],
      "connect-src": ["'self'"],
    },
  },
});

const redocPage = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>EPCA API – ReDoc</title>
  </head>
  <body>
    <redoc spec-url="{{BASE}}/openapi.json"></redoc>
    <script src="{{BASE}}/redoc/redoc.standalone.js"></script>
  </body>
</html>`;

/** 405 for a method other than GET and HEAD on the documentation's paths. */
const readOnly: RequestHandler = (req, res, next) => {
  if (req.method === "GET" || req.method === "HEAD") return next();
  res.status(405).set("Allow", "GET, HEAD").json({ detail: "Method Not Allowed" });
};

const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ detail: "Not Found" });
};

/**
 * `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, all served from this machine (no
 * CDN). The pages' links are relative and the document's `servers` and login URLs are those of
 * the mount path (`req.baseUrl`), so that they work wherever the router is mounted. Under `/docs`
 * only the page and its assets answer: any other path is a 404, any other method a 405.
 */
export function mountDocs(router: Router, document: () => Record<string, unknown>): void {
  router.all("/openapi.json", readOnly, (req, res) => {
    res.json(documentAt(document(), req.baseUrl));
  });

  const swaggerOptions = { url: "../openapi.json", persistAuthorization: true };
  const [init, assets] = swaggerUi.serveFiles(undefined, { swaggerOptions }) as [RequestHandler, RequestHandler];
  const page = swaggerUi.setup(undefined, { customSiteTitle: "EPCA API – Swagger UI", swaggerOptions }) as RequestHandler;
  router.use("/docs", readOnly, docsHelmet, (req, res, next) => {
    if (req.path === "/" || req.path === "/index.html") {
      // Swagger UI's page loads its assets relatively: `/docs` must end in a slash.
      if (req.path === "/" && !req.originalUrl.split("?")[0]!.endsWith("/")) {
        res.redirect(301, `${req.baseUrl}/`);
        return;
      }
      page(req, res, next);
      return;
    }
    if (req.path === "/swagger-ui-init.js") return init(req, res, next);
    if (req.path.endsWith("/package.json") || req.path.endsWith("/swagger-ui-init.js")) return notFound(req, res, next);
    assets(req, res, next);
  }, notFound);

  const redocBundle = path.dirname(require.resolve("redoc/bundles/redoc.standalone.js"));
  router.get("/redoc", docsHelmet, (req, res) => {
    res.type("html").send(redocPage.replaceAll("{{BASE}}", encodeURI(req.baseUrl)));
  });
  router.use("/redoc", readOnly, docsHelmet, express.static(redocBundle, { index: false }), notFound);
}
