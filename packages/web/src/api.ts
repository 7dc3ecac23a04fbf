/**
 * The API client: the documented frontend's token handling (spec 000 section 6) on `fetch`.
 * Tokens are kept in `localStorage` (or only in memory for a widget given a token); a 401 is
 * answered by one refresh (shared by concurrent requests, the refresh token rotates) and the
 * request is retried once; an error carries the server's `detail` and, for a 422, a message per
 * field.
 */

/** The token pair `POST /auth/login` and `/auth/refresh` answer. */
export interface Tokens {
  readonly access_token: string;
  readonly refresh_token?: string | undefined;
}

/** One validation problem of a 422 body (`{"detail": [{loc, msg, type}]}`). */
export interface ValidationIssue {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type?: string;
}

/** A non-2xx answer: its status, the human `detail`, and the messages by field for a 422. */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  /** `loc` without its first part (`body`, `query`, …) joined with dots → message. */
  readonly fields: Readonly<Record<string, string>>;
  readonly issues: readonly ValidationIssue[];
  readonly body: unknown;
  /** Seconds to wait (`Retry-After` of a 429), when the server said. */
  readonly retryAfter: number | null;
  constructor(status: number, body: unknown, retryAfter: string | null = null) {
    const raw = (body as { detail?: unknown } | null)?.detail;
    const issues: ValidationIssue[] = Array.isArray(raw) ? (raw as ValidationIssue[]) : [];
    const detail =
      typeof raw === "string"
        ? raw
        : issues.length > 0
          ? issues.map((i) => `${i.loc.slice(1).join(".") || i.loc.join(".")}: ${i.msg}`).join("; ")
          : status === 0
            ? "The server could not be reached. Check your connection."
            : `The server answered ${status}.`;
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.issues = issues;
    this.body = body;
    this.retryAfter = retryAfter !== null && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : null;
    const fields: Record<string, string> = {};
    for (const issue of issues) {
      const key = issue.loc.slice(1).join(".");
      if (key && !fields[key]) fields[key] = issue.msg;
    }
    this.fields = fields;
  }
}

/** Where tokens live between requests. */
export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
}

/** Tokens in `localStorage` under `key`, shared by the tabs of one origin. */
export function localTokenStore(key = "epca.tokens"): TokenStore {
  return {
    get() {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as Tokens) : null;
      } catch {
        return null;
      }
    },
    set(tokens) {
      if (tokens) localStorage.setItem(key, JSON.stringify(tokens));
      else localStorage.removeItem(key);
    },
  };
}

/** Tokens held by this object only (a widget given a token attribute). */
export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial;
  return { get: () => tokens, set: (t) => void (tokens = t) };
}

/** Options of one request. */
export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | null | undefined>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (the documented login). */
  readonly form?: Record<string, string>;
  /** Sent as multipart (uploads). */
  readonly formData?: FormData;
  /** Answer the body as a Blob (downloads). */
  readonly blob?: boolean;
  readonly signal?: AbortSignal;
}

/** A successful answer: the body, the `X-Total-Count` of a list, the headers. */
export interface ApiResponse<T> {
  readonly data: T;
  readonly status: number;
  readonly total: number | null;
  readonly headers: Headers;
}

/** The API client. */
export interface Api {
  /** The API base, e.g. `/api/v1` or `https://epca.example.com/api/v1`. */
  readonly base: string;
  readonly tokens: TokenStore;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T>(path: string, query?: RequestOptions["query"]): Promise<T>;
  /** Every item of a list, page by page (`X-Total-Count`). */
  all<T>(path: string, query?: RequestOptions["query"]): Promise<T[]>;
  login(email: string, password: string, tenant?: string): Promise<void>;
  logout(): Promise<void>;
  /** Called when a refresh fails: the session is over. */
  onSignedOut: (() => void) | null;
}

/** Creates a client for the API at `base` (default `/api/v1` on the page's origin). */
export function createApi(base = "/api/v1", tokens: TokenStore = localTokenStore()): Api {
  let refreshing: Promise<boolean> | null = null;
  let tenantHeader: string | undefined;

  async function send(method: string, path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const url = new URL(base + path, location.href);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (tenantHeader) headers["x-tenant-id"] = tenantHeader;
    let body: BodyInit | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form);
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (options.formData) {
      body = options.formData;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    try {
      return await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiError(0, null);
    }
  }

  async function refresh(): Promise<boolean> {
    const current = tokens.get();
    if (!current?.refresh_token) return false;
    const response = await send("POST", "/auth/refresh", { body: { refresh_token: current.refresh_token } }, undefined);
    if (!response.ok) {
      tokens.set(null);
      return false;
    }
    const pair = (await response.json()) as Tokens;
    tokens.set({ access_token: pair.access_token, refresh_token: pair.refresh_token });
    return true;
  }

  async function read(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  const api: Api = {
    base,
    tokens,
    onSignedOut: null,
    async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
      let response = await send(method, path, options, tokens.get()?.access_token);
      if (response.status === 401 && !path.startsWith("/auth/login") && tokens.get()?.refresh_token) {
        // One refresh for every request that met the same expired token.
        refreshing ??= refresh().finally(() => (refreshing = null));
        if (await refreshing) response = await send(method, path, options, tokens.get()?.access_token);
        else api.onSignedOut?.();
      }
      if (!response.ok) throw new ApiError(response.status, await read(response), response.headers.get("retry-after"));
      const total = response.headers.get("x-total-count");
      const data = (options.blob ? await response.blob() : await read(response)) as T;
      return { data, status: response.status, total: total === null ? null : Number(total), headers: response.headers };
    },
    async get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
      return (await api.request<T>("GET", path, query ? { query } : {})).data;
    },
    async all<T>(path: string, query: RequestOptions["query"] = {}): Promise<T[]> {
      const items: T[] = [];
      for (;;) {
        const page = await api.request<T[]>("GET", path, { query: { ...query, skip: items.length, limit: 1000 } });
        items.push(...page.data);
        if (page.data.length === 0 || page.total === null || items.length >= page.total) return items;
      }
    },
    async login(email, password, tenant) {
      tenantHeader = tenant || undefined;
      const response = await api.request<Tokens>("POST", "/auth/login", { form: { username: email, password } });
      tokens.set({ access_token: response.data.access_token, refresh_token: response.data.refresh_token });
    },
    async logout() {
      try {
        if (tokens.get()) await api.request("POST", "/auth/logout", { body: { refresh_token: tokens.get()?.refresh_token } });
      } catch {
        // signed out locally either way
      }
      tokens.set(null);
    },
  };
  return api;
}
