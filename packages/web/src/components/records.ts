/**
 * A list-and-form page for one resource (departments, employees, projects): search, filters,
 * sortable paged table, create and edit forms whose fields show the API's 422 messages next to
 * them (`loc: ["body", <field>]`), and other errors' `detail` above the form.
 */
import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { ApiError } from "../api.js";
import { html } from "../html.js";
import { DataTable, Dialog, ErrorBox, Field, Loading, useApp, useLoad, type Column } from "../ui.js";

/** One field of the form. */
export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly type?: "text" | "number" | "date" | "email" | "textarea" | "checkbox" | "select";
  readonly required?: boolean;
  readonly options?: readonly { value: string; label: string }[];
  readonly hint?: string;
  readonly step?: string;
}

/** A filter over the loaded rows (server-side when `query` names a list parameter). */
export interface Filter<T> {
  readonly name: string;
  readonly label: string;
  readonly options: readonly { value: string; label: string }[];
  readonly match: (row: T, value: string) => boolean;
}

/** What a records page shows and sends. */
export interface RecordsConfig<T extends { id: number }> {
  readonly title: string;
  readonly singular: string;
  readonly path: string;
  readonly columns: readonly Column<T>[];
  readonly search: (row: T) => string;
  /** What the search box matches, shown in it. */
  readonly searchHint?: string;
  /** The row's name, for its buttons' labels. */
  readonly label: (row: T) => string;
  readonly filters?: readonly Filter<T>[];
  readonly fields: readonly FormField[];
  /** Form values of an existing row (or the defaults for a new one). */
  readonly toForm: (row: T | null) => Record<string, string>;
  /** The JSON body from the form's values. */
  readonly toBody: (form: Record<string, string>) => Record<string, unknown>;
  readonly canCreate: boolean;
  readonly canEdit: (row: T) => boolean;
  readonly extra?: (row: T) => ComponentChildren;
}

/** A number field's value: a number when it reads as one, else the text (the API's 422 names it). */
export function numberOrText(value: string | undefined): number | string | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

function RecordForm<T extends { id: number }>({ config, row, onDone }: { config: RecordsConfig<T>; row: T | null; onDone: (saved: boolean) => void }) {
  const { api, notify } = useApp();
  const [form, setForm] = useState(() => config.toForm(row));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (row) await api.request("PUT", `${config.path}${row.id}`, { body: config.toBody(form) });
      else await api.request("POST", config.path, { body: config.toBody(form) });
      notify(`${config.singular} ${row ? "updated" : "created"}.`);
      onDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null));
    } finally {
      setBusy(false);
    }
  };
  const errors = error?.fields ?? {};
  const unplaced = error && (error.issues.length === 0 || error.issues.some((i) => !config.fields.some((f) => f.name === i.loc.slice(1).join("."))));
  return html`<${Dialog} title=${`${row ? "Edit" : "New"} ${config.singular.toLowerCase()}`} onClose=${() => onDone(false)}>
    <form onSubmit=${submit} noValidate class="record-form">
      ${unplaced ? html`<${ErrorBox} error=${error} />` : error ? html`<p class="error" role="alert">Please correct the fields marked below.</p>` : null}
      ${config.fields.map((f) =>
        f.type === "checkbox"
          ? html`<div class="field check"><input type="checkbox" id=${`rf-${f.name}`} name=${f.name} checked=${form[f.name] === "true"}
              onChange=${(e: Event) => setForm({ ...form, [f.name]: String((e.target as HTMLInputElement).checked) })} /><label for=${`rf-${f.name}`}>${f.label}</label>
              ${errors[f.name] ? html`<small class="field-error">${errors[f.name]}</small>` : null}</div>`
          : html`<${Field} key=${f.name} label=${f.label} name=${f.name} type=${f.type === "select" ? undefined : f.type} options=${f.options} required=${f.required}
              hint=${f.hint} step=${f.step} value=${form[f.name] ?? ""} errors=${errors} onInput=${(v: string) => setForm({ ...form, [f.name]: v })} />`,
      )}
      <div class="buttons">
        <button type="submit" class="primary" disabled=${busy}>${busy ? "Saving…" : "Save"}</button>
        <button type="button" class="secondary" onClick=${() => onDone(false)}>Cancel</button>
      </div>
    </form>
  <//>`;
}

/** The page. */
export function RecordsPage<T extends { id: number }>({ config }: { config: RecordsConfig<T> }) {
  const { api } = useApp();
  const rows = useLoad(() => api.all<T>(config.path), [api, config.path]);
  const [search, setSearch] = useState("");
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<T | null | "new">(null);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (rows.data ?? []).filter(
      (r) => (!q || config.search(r).toLowerCase().includes(q)) && (config.filters ?? []).every((f) => !filters[f.name] || f.match(r, filters[f.name]!)),
    );
  }, [rows.data, search, filters, config]);
  const id = config.path.replace(/\W/g, "");
  return html`<div class="page records">
    <div class="page-head">
      <h1>${config.title}</h1>
      ${config.canCreate ? html`<button type="button" class="primary" onClick=${() => setEditing("new")}>New ${config.singular.toLowerCase()}</button>` : null}
    </div>
    <div class="toolbar" role="search" aria-label=${`Filter ${config.title.toLowerCase()}`}>
      <div class="field inline"><label for=${`${id}-q`}>Search</label>
        <input id=${`${id}-q`} type="search" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} placeholder=${config.searchHint ?? "Name…"} /></div>
      ${(config.filters ?? []).map(
        (f) => html`<div class="field inline"><label for=${`${id}-${f.name}`}>${f.label}</label>
          <select id=${`${id}-${f.name}`} value=${filters[f.name] ?? ""} onChange=${(e: Event) => setFilters({ ...filters, [f.name]: (e.target as HTMLSelectElement).value })}>
            <option value="">All</option>
            ${f.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
          </select></div>`,
      )}
    </div>
    ${rows.error ? html`<${ErrorBox} error=${rows.error} />` : !rows.data ? html`<${Loading} />` : html`<${DataTable} caption=${config.title} rows=${shown} columns=${config.columns} rowKey=${(r: T) => r.id}
      actions=${(r: T) => html`${config.extra?.(r)}${config.canEdit(r) ? html`<button type="button" class="link" onClick=${() => setEditing(r)} aria-label=${`Edit ${config.label(r)}`}>Edit</button>` : null}`} />`}
    ${editing ? html`<${RecordForm} config=${config} row=${editing === "new" ? null : editing} onDone=${(saved: boolean) => (setEditing(null), saved && rows.reload())} />` : null}
  </div>`;
}
