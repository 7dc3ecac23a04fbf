/** Small shared pieces: the app context, async loading, messages, form fields, sortable paged tables. */
import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, type Api } from "./api.js";
import { html } from "./html.js";
import type { Abilities, Me } from "./roles.js";

/** What every page reads: the client, the user, what they may do, and a way to say something. */
export interface AppContextValue {
  readonly api: Api;
  readonly me: Me;
  readonly can: Abilities;
  notify(message: string, kind?: "ok" | "error"): void;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The app context (inside the signed-in layout). */
export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside the app");
  return value;
}

/** State of a load. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Runs `load` when `deps` change; the latest answer wins. The request starts as soon as the
 * component is in the document (a layout effect), not after the next frame is painted: on a
 * dashboard whose requests follow one another that is a frame less for each.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useLayoutEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error: Error) => !controller.signal.aborted && setState({ data: undefined, error, loading: false }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** The error's `detail`, shown as an alert. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return html`<p class="error" role="alert">${message}</p>`;
}

/** A loading line that screen readers hear. */
export function Loading({ what = "Loading" }: { what?: string }) {
  return html`<p class="loading" role="status" aria-live="polite">${what}…</p>`;
}

let fieldSeq = 0;
/** A unique id for a label/input pair. */
export function useId(prefix = "f"): string {
  const ref = useRef<string | undefined>(undefined);
  ref.current ??= `${prefix}-${++fieldSeq}`;
  return ref.current;
}

/** A labelled form field with the API's validation message for it (by `name`) right below. */
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  errors?: Readonly<Record<string, string>>;
  type?: string;
  required?: boolean;
  options?: readonly { value: string; label: string }[];
  hint?: string;
  step?: string;
  min?: string;
  max?: string;
  autocomplete?: string;
}) {
  const id = useId(props.name);
  const error = props.errors?.[props.name];
  const describedBy = [error ? `${id}-err` : "", props.hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": describedBy,
    required: props.required,
  };
  const control = props.options
    ? html`<select ...${common} value=${props.value} onChange=${(e: Event) => props.onInput((e.target as HTMLSelectElement).value)}>
        ${props.options.map((o) => html`<option value=${o.value} selected=${o.value === props.value}>${o.label}</option>`)}
      </select>`
    : props.type === "textarea"
      ? html`<textarea ...${common} value=${props.value} onInput=${(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}></textarea>`
      : html`<input ...${common} type=${props.type ?? "text"} value=${props.value} step=${props.step} min=${props.min} max=${props.max} autocomplete=${props.autocomplete}
          onInput=${(e: Event) => props.onInput((e.target as HTMLInputElement).value)} />`;
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${props.label}</label>
    ${control}
    ${props.hint ? html`<small id=${`${id}-hint`} class="hint">${props.hint}</small>` : null}
    ${error ? html`<small id=${`${id}-err`} class="field-error">${error}</small>` : null}
  </div>`;
}

/** A column of a {@link DataTable}. */
export interface Column<T> {
  readonly key: string;
  readonly label: string;
  /** The value sorted by (and shown, unless `render`). */
  readonly value: (row: T) => string | number | null;
  readonly render?: (row: T) => ComponentChildren;
  readonly numeric?: boolean;
}

/** A table with sortable columns (buttons in the headers, `aria-sort`) and pages. */
export function DataTable<T>({ rows, columns, caption, pageSize = 20, initialSort, rowKey, actions }: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  caption: string;
  pageSize?: number;
  initialSort?: { key: string; dir: "asc" | "desc" };
  rowKey: (row: T) => string | number;
  actions?: (row: T) => ComponentChildren;
}) {
  const [sort, setSort] = useState(initialSort ?? { key: columns[0]?.key ?? "", dir: "asc" as "asc" | "desc" });
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort.key);
    if (!col) return [...rows];
    const factor = sort.dir === "asc" ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * factor;
    });
  }, [rows, sort, columns]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  useEffect(() => setPage(0), [rows.length]);
  const shown = sorted.slice(current * pageSize, current * pageSize + pageSize);
  return html`<div class="table-wrap">
    <table class="data">
      <caption class="sr-only">${caption}</caption>
      <thead><tr>
        ${columns.map(
          (c) => html`<th scope="col" class=${c.numeric ? "num" : ""} aria-sort=${sort.key === c.key ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}>
            <button type="button" class="sort" onClick=${() => setSort({ key: c.key, dir: sort.key === c.key && sort.dir === "asc" ? "desc" : "asc" })}>
              ${c.label}<span aria-hidden="true">${sort.key === c.key ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}</span>
            </button></th>`,
        )}
        ${actions ? html`<th scope="col"><span class="sr-only">Actions</span></th>` : null}
      </tr></thead>
      <tbody>
        ${shown.length === 0 ? html`<tr><td colspan=${columns.length + (actions ? 1 : 0)} class="empty">Nothing to show.</td></tr>` : null}
        ${shown.map(
          (row) => html`<tr key=${rowKey(row)}>
            ${columns.map((c) => html`<td class=${c.numeric ? "num" : ""} data-label=${c.label}>${c.render ? c.render(row) : (c.value(row) ?? "—")}</td>`)}
            ${actions ? html`<td class="actions">${actions(row)}</td>` : null}
          </tr>`,
        )}
      </tbody>
    </table>
    <nav class="pager" aria-label=${`${caption} pages`}>
      <button type="button" disabled=${current === 0} onClick=${() => setPage(current - 1)}>Previous</button>
      <span>Page ${current + 1} of ${pages} · ${sorted.length} ${sorted.length === 1 ? "row" : "rows"}</span>
      <button type="button" disabled=${current >= pages - 1} onClick=${() => setPage(current + 1)}>Next</button>
    </nav>
  </div>`;
}

/** A modal dialog (`<dialog>`), closed with Escape or its Cancel button. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId("dlg");
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return html`<dialog ref=${ref} aria-labelledby=${id} onCancel=${(e: Event) => (e.preventDefault(), onClose())}>
    <h2 id=${id}>${title}</h2>
    ${children}
  </dialog>`;
}
