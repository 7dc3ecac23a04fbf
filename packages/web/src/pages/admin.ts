import { useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { html } from "../html.js";
import { date, num } from "../format.js";
import { roleLabel, type Me } from "../roles.js";
import { DataTable, Dialog, ErrorBox, Field, Loading, useApp, useLoad } from "../ui.js";
import { useDepartments } from "./shared.js";

interface User extends Me {
  readonly created_at: string;
}
interface RoleDef {
  readonly id: number | string;
  readonly name: string;
  readonly description?: string | null;
  readonly permissions: readonly { resource: string; actions: readonly string[]; scope?: string }[];
  readonly is_system?: boolean;
}
interface AuditEntry {
  readonly id: number | string;
  readonly user_id: number | null;
  readonly action: string;
  readonly resource_type: string;
  readonly resource_id: string | number | null;
  readonly changes: { before?: unknown; after?: unknown } | null;
  readonly ip_address?: string | null;
  readonly request_id?: string | null;
  readonly created_at: string;
}
interface Tenant {
  readonly id: string | number;
  readonly name: string;
  readonly subdomain: string;
  readonly plan: string;
  readonly is_active: boolean;
  readonly limits?: Record<string, number | null>;
  readonly created_at?: string;
}

const missing = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 405);
const ROLES = ["admin", "department_head", "analyst", "read_only"].map((r) => ({ value: r, label: roleLabel(r) }));

function Users() {
  const { api, notify } = useApp();
  const users = useLoad(() => api.all<User>("/users/"), [api]);
  const departments = useDepartments();
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [form, setForm] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const names = new Map((departments.data ?? []).map((d) => [d.id, d.name]));
  const open = (u: User | "new") => {
    setError(null);
    setEditing(u);
    setForm(u === "new" ? { email: "", full_name: "", password: "", role: "read_only" } : { role: u.role, is_active: String(u.is_active), department_id: u.department_id ? String(u.department_id) : "", full_name: u.full_name ?? "" });
  };
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      if (editing === "new") await api.request("POST", "/auth/register", { body: { email: form.email, password: form.password, full_name: form.full_name, role: form.role } });
      else if (editing) await api.request("PUT", `/users/${editing.id}`, { body: { full_name: form.full_name, role: form.role, is_active: form.is_active === "true", department_id: form.department_id ? Number(form.department_id) : null } });
      notify(editing === "new" ? "User created." : "User updated.");
      setEditing(null);
      users.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null));
    }
  };
  return html`<section class="card" aria-labelledby="users-title">
    <div class="page-head"><h2 id="users-title">Users</h2><button type="button" class="primary" onClick=${() => open("new")}>New user</button></div>
    ${users.error ? html`<${ErrorBox} error=${users.error} />` : !users.data ? html`<${Loading} />` : html`<${DataTable} caption="Users" rows=${users.data} rowKey=${(u: User) => u.id}
      columns=${[
        { key: "name", label: "Name", value: (u: User) => u.full_name ?? "" },
        { key: "email", label: "Email", value: (u: User) => u.email },
        { key: "role", label: "Role", value: (u: User) => roleLabel(u.role) },
        { key: "dep", label: "Department", value: (u: User) => (u.department_id ? (names.get(u.department_id) ?? String(u.department_id)) : "—") },
        { key: "active", label: "Status", value: (u: User) => (u.is_active ? "Active" : "Inactive") },
        { key: "created", label: "Created", value: (u: User) => u.created_at, render: (u: User) => date(u.created_at) },
      ]}
      actions=${(u: User) => html`<button type="button" class="link" onClick=${() => open(u)} aria-label=${`Edit ${u.email}`}>Edit</button>`} />`}
    ${editing
      ? html`<${Dialog} title=${editing === "new" ? "New user" : `Edit ${editing.email}`} onClose=${() => setEditing(null)}>
          <form onSubmit=${save} noValidate>
            ${error && Object.keys(error.fields).length === 0 ? html`<${ErrorBox} error=${error} />` : null}
            ${editing === "new" ? html`<${Field} label="Email" name="email" type="email" required value=${form.email ?? ""} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, email: v })} />
              <${Field} label="Password" name="password" type="password" required value=${form.password ?? ""} errors=${error?.fields} hint="At least 8 characters" onInput=${(v: string) => setForm({ ...form, password: v })} />` : null}
            <${Field} label="Full name" name="full_name" value=${form.full_name ?? ""} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, full_name: v })} />
            <${Field} label="Role" name="role" value=${form.role ?? "read_only"} options=${ROLES} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, role: v })} />
            ${editing !== "new" ? html`<${Field} label="Department" name="department_id" value=${form.department_id ?? ""} options=${[{ value: "", label: "None" }, ...(departments.data ?? []).map((d) => ({ value: String(d.id), label: d.name }))]} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, department_id: v })} />
              <${Field} label="Status" name="is_active" value=${form.is_active ?? "true"} options=${[{ value: "true", label: "Active" }, { value: "false", label: "Inactive (cannot sign in)" }]} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, is_active: v })} />` : null}
            <div class="buttons"><button type="submit" class="primary">Save</button><button type="button" class="secondary" onClick=${() => setEditing(null)}>Cancel</button></div>
          </form>
        <//>`
      : null}
  </section>`;
}

function Roles() {
  const { api, notify } = useApp();
  const roles = useLoad(() => api.get<RoleDef[]>("/roles"), [api]);
  const [form, setForm] = useState({ name: "", description: "", permissions: '[{"resource": "reports", "actions": ["read"]}]' });
  const [error, setError] = useState<ApiError | null>(null);
  if (missing(roles.error)) return html`<section class="card"><h2>Roles</h2><p class="muted">This server has no custom roles.</p></section>`;
  const add = async (e: Event) => {
    e.preventDefault();
    setError(null);
    let permissions: unknown;
    try {
      permissions = JSON.parse(form.permissions);
    } catch {
      setError(new ApiError(422, { detail: [{ loc: ["body", "permissions"], msg: "Not valid JSON: write a list like [{\"resource\": \"reports\", \"actions\": [\"read\"]}]" }] }));
      return;
    }
    try {
      await api.request("POST", "/roles", { body: { name: form.name, description: form.description || null, permissions } });
      notify("Role created.");
      roles.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null));
    }
  };
  return html`<section class="card" aria-labelledby="roles-title">
    <h2 id="roles-title">Roles</h2>
    ${roles.error ? html`<${ErrorBox} error=${roles.error} />` : !roles.data ? html`<${Loading} />` : html`<${DataTable} caption="Roles" rows=${roles.data} rowKey=${(r: RoleDef) => r.id}
      columns=${[
        { key: "name", label: "Name", value: (r: RoleDef) => r.name },
        { key: "kind", label: "Kind", value: (r: RoleDef) => (r.is_system ? "Built-in" : "Custom") },
        { key: "perms", label: "Permissions", value: (r: RoleDef) => r.permissions.map((p) => `${p.resource}: ${p.actions.join(", ")}${p.scope && p.scope !== "all" ? ` (${p.scope})` : ""}`).join("; ") },
      ]}
      actions=${(r: RoleDef) => (r.is_system ? null : html`<button type="button" class="link danger" aria-label=${`Delete role ${r.name}`} onClick=${() => api.request("DELETE", `/roles/${r.id}`).then(roles.reload, setError)}>Delete</button>`)} />`}
    <form onSubmit=${add} class="form-grid" noValidate>
      <${Field} label="New role name" name="name" value=${form.name} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, name: v })} />
      <${Field} label="Description" name="description" value=${form.description} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, description: v })} />
      <${Field} label="Permissions (JSON)" name="permissions" type="textarea" value=${form.permissions} errors=${error?.fields} onInput=${(v: string) => setForm({ ...form, permissions: v })} />
      <div class="buttons"><button type="submit" class="secondary">Add role</button></div>
    </form>
    ${error && Object.keys(error.fields).length === 0 ? html`<${ErrorBox} error=${error} />` : null}
  </section>`;
}

function AuditLog() {
  const { api } = useApp();
  const [filters, setFilters] = useState({ resource_type: "", action: "", user_id: "", from: "", to: "" });
  const [applied, setApplied] = useState(filters);
  const log = useLoad(() => api.get<AuditEntry[]>("/audit-logs", { ...applied, limit: 200 }), [api, JSON.stringify(applied)]);
  if (missing(log.error) && !Object.values(applied).some(Boolean)) return html`<section class="card"><h2>Audit log</h2><p class="muted">This server keeps no audit log.</p></section>`;
  return html`<section class="card" aria-labelledby="audit-title">
    <h2 id="audit-title">Audit log</h2>
    <form class="toolbar" onSubmit=${(e: Event) => (e.preventDefault(), setApplied(filters))} aria-label="Audit log filters">
      <${Field} label="Resource" name="resource_type" value=${filters.resource_type} onInput=${(v: string) => setFilters({ ...filters, resource_type: v })} />
      <${Field} label="Action" name="action" value=${filters.action} onInput=${(v: string) => setFilters({ ...filters, action: v })} />
      <${Field} label="User id" name="user_id" type="number" value=${filters.user_id} onInput=${(v: string) => setFilters({ ...filters, user_id: v })} />
      <${Field} label="From" name="from" type="date" value=${filters.from} onInput=${(v: string) => setFilters({ ...filters, from: v })} />
      <${Field} label="To" name="to" type="date" value=${filters.to} onInput=${(v: string) => setFilters({ ...filters, to: v })} />
      <div class="buttons"><button type="submit" class="secondary">Filter</button></div>
    </form>
    ${log.error ? html`<${ErrorBox} error=${log.error} />` : !log.data ? html`<${Loading} />` : html`<${DataTable} caption="Audit log" rows=${log.data} rowKey=${(a: AuditEntry) => a.id}
      initialSort=${{ key: "when", dir: "desc" }}
      columns=${[
        { key: "when", label: "When", value: (a: AuditEntry) => a.created_at, render: (a: AuditEntry) => date(a.created_at, true) },
        { key: "user", label: "User", value: (a: AuditEntry) => a.user_id },
        { key: "action", label: "Action", value: (a: AuditEntry) => a.action },
        { key: "resource", label: "Resource", value: (a: AuditEntry) => `${a.resource_type} ${a.resource_id ?? ""}` },
        { key: "changes", label: "Changed fields", value: (a: AuditEntry) => Object.keys({ ...((a.changes?.after as object) ?? {}) }).join(", ") },
      ]} />`}
  </section>`;
}

function Tenants() {
  const { api, notify } = useApp();
  const tenants = useLoad(() => api.get<Tenant[]>("/tenants"), [api]);
  const [usage, setUsage] = useState<{ tenant: Tenant; data: Record<string, unknown> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (missing(tenants.error)) return html`<section class="card"><h2>Tenants</h2><p class="muted">This server runs a single organisation.</p></section>`;
  if (tenants.error instanceof ApiError && tenants.error.status === 403) return html`<section class="card"><h2>Tenants</h2><p class="muted">Only the platform administrator manages tenants.</p></section>`;
  const toggle = async (t: Tenant) => {
    try {
      await api.request("PATCH", `/tenants/${t.id}`, { body: { is_active: !t.is_active } });
      notify(`${t.name} ${t.is_active ? "suspended" : "reactivated"}.`);
      tenants.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section class="card" aria-labelledby="tenants-title">
    <h2 id="tenants-title">Tenants and usage</h2>
    <${ErrorBox} error=${error ?? tenants.error} />
    ${!tenants.data ? html`<${Loading} />` : html`<${DataTable} caption="Tenants" rows=${tenants.data} rowKey=${(t: Tenant) => t.id}
      columns=${[
        { key: "name", label: "Name", value: (t: Tenant) => t.name },
        { key: "sub", label: "Subdomain", value: (t: Tenant) => t.subdomain },
        { key: "plan", label: "Plan", value: (t: Tenant) => t.plan },
        { key: "status", label: "Status", value: (t: Tenant) => (t.is_active ? "Active" : "Suspended") },
      ]}
      actions=${(t: Tenant) => html`
        <button type="button" class="link" aria-label=${`Usage of ${t.name}`} onClick=${() => api.get<Record<string, unknown>>(`/tenants/${t.id}/usage`).then((data) => setUsage({ tenant: t, data }), setError)}>Usage</button>
        <button type="button" class=${`link ${t.is_active ? "danger" : "ok"}`} aria-label=${`${t.is_active ? "Suspend" : "Reactivate"} ${t.name}`} onClick=${() => toggle(t)}>${t.is_active ? "Suspend" : "Reactivate"}</button>`} />`}
    ${usage
      ? html`<${Dialog} title=${`Usage of ${usage.tenant.name}`} onClose=${() => setUsage(null)}>
          <dl class="figures">${Object.entries(usage.data).filter(([, v]) => typeof v !== "object").map(([k, v]) => html`<div><dt>${k.replace(/_/g, " ")}</dt><dd>${typeof v === "number" ? num(v, 2) : String(v)}</dd></div>`)}</dl>
          ${usage.tenant.limits ? html`<h3>Plan limits</h3><dl class="figures">${Object.entries(usage.tenant.limits).map(([k, v]) => html`<div><dt>${k.replace(/_/g, " ")}</dt><dd>${v === null ? "unlimited" : num(v, 0)}</dd></div>`)}</dl>` : null}
          <div class="buttons"><button type="button" class="secondary" onClick=${() => setUsage(null)}>Close</button></div>
        <//>`
      : null}
  </section>`;
}

const TABS = [
  { id: "users", label: "Users", view: Users },
  { id: "roles", label: "Roles", view: Roles },
  { id: "audit", label: "Audit log", view: AuditLog },
  { id: "tenants", label: "Tenants", view: Tenants },
];

/** Admin: users, roles, the audit log with filters, tenants and usage (platform admin). */
export default function AdminPage({ params }: { params: URLSearchParams }) {
  const tab = TABS.find((t) => t.id === params.get("tab")) ?? TABS[0]!;
  const View = tab.view;
  return html`<div class="page admin">
    <div class="page-head"><h1>Admin</h1></div>
    <nav class="tabs" aria-label="Admin sections"><ul>
      ${TABS.map((t) => html`<li><a href=${`#/admin?tab=${t.id}`} aria-current=${t === tab ? "page" : undefined}>${t.label}</a></li>`)}
    </ul></nav>
    <${View} />
  </div>`;
}
