import { useState } from "preact/hooks";
import { ApiError, type Api } from "../api.js";
import { html } from "../html.js";
import { Field } from "../ui.js";

/** What the user reads for a failed sign-in: wrong password, locked out (429), suspended tenant (403). */
export function signInMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return "Signing in failed. Please try again.";
  if (error.status === 401) return "Incorrect email or password. Check both and try again.";
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${Math.max(1, Math.ceil(error.retryAfter / 60))} min.` : " Try again later.";
    return `This account is locked after too many failed sign-ins.${wait} (${error.detail})`;
  }
  if (error.status === 403 && /suspend/i.test(error.detail)) return `Your organisation's account is suspended, so nobody in it can sign in. Contact your EPCA administrator. (${error.detail})`;
  if (error.status === 0) return error.detail;
  return error.detail;
}

/** The sign-in page (the documented form login). */
export function LoginPage({ api, onSignedIn, notice }: { api: Api; onSignedIn: () => Promise<void>; notice: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [tenant, setTenant] = useState(new URLSearchParams(location.search).get("tenant") ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(email.trim(), password, tenant.trim() || undefined);
      await onSignedIn();
    } catch (err) {
      setError(signInMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="login">
    <form class="card login-card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title"><span class="logo" aria-hidden="true">◧</span> Sign in to EPCA</h1>
      <p class="muted">Employee Productivity & Cost Analytics</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      ${error ? html`<p class="error" role="alert" id="login-error">${error}</p>` : null}
      <${Field} label="Email" name="username" type="email" value=${email} onInput=${setEmail} required autocomplete="username" />
      <${Field} label="Password" name="password" type="password" value=${password} onInput=${setPassword} required autocomplete="current-password" />
      <details class="tenant">
        <summary>Organisation (multi-tenant servers)</summary>
        <${Field} label="Organisation id or subdomain" name="tenant" value=${tenant} onInput=${setTenant} hint="Leave empty on a single-organisation server." />
      </details>
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
    </form>
  </main>`;
}
