import type { ComponentType } from "preact";
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, createApi } from "./api.js";
import { currentCurrency, setLocale } from "./format.js";
import { html } from "./html.js";
import { abilities, roleLabel, type Abilities, type Me } from "./roles.js";
import { AppContext, ErrorBox, Loading, type AppContextValue } from "./ui.js";
import { LoginPage } from "./pages/login.js";
import { DashboardPage } from "./pages/dashboard.js";

type PageModule = { default: ComponentType<{ params: URLSearchParams }> };

/** A page of the app: its path (`#/path`), title, who sees it, and its code (loaded on first visit). */
interface PageDef {
  readonly path: string;
  readonly title: string;
  readonly visible: (can: Abilities) => boolean;
  readonly load: () => Promise<PageModule>;
}

export const PAGES: readonly PageDef[] = [
  { path: "dashboard", title: "Dashboard", visible: () => true, load: async () => ({ default: DashboardPage }) },
  { path: "departments", title: "Departments", visible: () => true, load: () => import("./pages/departments.js") },
  { path: "employees", title: "Employees", visible: () => true, load: () => import("./pages/employees.js") },
  { path: "projects", title: "Projects", visible: () => true, load: () => import("./pages/projects.js") },
  { path: "timesheets", title: "Timesheets", visible: (can) => can.logsTime, load: () => import("./pages/timesheets.js") },
  { path: "approvals", title: "Approvals", visible: (can) => can.approves, load: () => import("./pages/approvals.js") },
  { path: "reports", title: "Reports", visible: (can) => can.reports, load: () => import("./pages/reports.js") },
  { path: "imports", title: "Imports", visible: (can) => can.uploads, load: () => import("./pages/imports.js") },
  { path: "forecasts", title: "Forecasts", visible: (can) => can.predictions, load: () => import("./pages/forecasts.js") },
  { path: "admin", title: "Admin", visible: (can) => can.admin, load: () => import("./pages/admin.js") },
];

function readHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = raw.split("?");
  return { path: path || "dashboard", params: new URLSearchParams(query) };
}

function useHash() {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const on = () => setRoute(readHash());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

const loaded = new Map<string, PageModule>();

function LazyPage({ def, params }: { def: PageDef; params: URLSearchParams }) {
  const [mod, setMod] = useState<PageModule | undefined>(loaded.get(def.path));
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (loaded.has(def.path)) return setMod(loaded.get(def.path));
    setMod(undefined);
    def.load().then((m) => (loaded.set(def.path, m), setMod(m)), setError);
  }, [def]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!mod) return html`<${Loading} />`;
  const Page = mod.default;
  return html`<${Page} params=${params} />`;
}

/** The whole app: the sign-in page, or the signed-in layout with its pages. */
export function App() {
  const api = useMemo(() => createApi(), []);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);
  const [toast, setToast] = useState<{ message: string; kind: "ok" | "error" } | null>(null);
  const route = useHash();

  useEffect(() => {
    setLocale(document.documentElement.lang || navigator.language, localStorage.getItem("epca.currency") ?? undefined);
    api.onSignedOut = () => {
      setMe(null);
      setSignedOutReason("Your session has ended. Please sign in again.");
    };
    if (!api.tokens.get()) return setMe(null);
    api.get<Me>("/auth/me").then(setMe, () => setMe(null));
  }, [api]);

  const signedIn = useCallback(async () => {
    setSignedOutReason(null);
    setMe(await api.get<Me>("/auth/me"));
  }, [api]);

  const signOut = useCallback(async () => {
    await api.logout();
    setMe(null);
    setSignedOutReason("You have signed out.");
    location.hash = "#/dashboard";
  }, [api]);

  const can = useMemo(() => (me ? abilities(me) : null), [me]);
  const ctx: AppContextValue | null = useMemo(
    () =>
      me && can
        ? {
            api,
            me,
            can,
            notify: (message, kind = "ok") => {
              setToast({ message, kind });
              setTimeout(() => setToast((t) => (t?.message === message ? null : t)), 5000);
            },
          }
        : null,
    [api, me, can],
  );

  useEffect(() => {
    const def = PAGES.find((p) => p.path === route.path);
    document.title = `${def?.title ?? "EPCA"} · EPCA`;
  }, [route.path]);

  if (me === undefined) return html`<main id="main"><${Loading} what="Starting" /></main>`;
  if (!me || !ctx || !can) return html`<${LoginPage} api=${api} onSignedIn=${signedIn} notice=${signedOutReason} />`;

  const visible = PAGES.filter((p) => p.visible(can));
  const def = visible.find((p) => p.path === route.path);
  return html`<${AppContext.Provider} value=${ctx}>
    <a class="skip" href="#main" onClick=${(e: Event) => (e.preventDefault(), document.getElementById("main")?.focus())}>Skip to content</a>
    <header class="top">
      <div class="brand"><span class="logo" aria-hidden="true">◧</span> EPCA</div>
      <nav aria-label="Main" class="main-nav">
        <ul>
          ${visible.map((p) => html`<li><a href=${`#/${p.path}`} aria-current=${p === def ? "page" : undefined}>${p.title}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="who-name">${me.full_name ?? me.email}</span>
        <span class="badge">${roleLabel(me.role)}</span>
        <button type="button" class="secondary" onClick=${signOut}>Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">
      ${def
        ? html`<${LazyPage} key=${def.path} def=${def} params=${route.params} />`
        : html`<h1>Not available</h1><p>This page does not exist or your role (${roleLabel(me.role)}) may not use it. <a href="#/dashboard">Go to the dashboard</a>.</p>`}
    </main>
    <div class="toast-region" role="status" aria-live="polite">${toast ? html`<p class=${`toast ${toast.kind}`}>${toast.message}</p>` : null}</div>
    <footer class="foot">Figures in ${currentCurrency()} · <a href="/docs/">API documentation</a></footer>
  <//>`;
}

export { ApiError };
