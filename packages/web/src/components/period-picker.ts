import { useState } from "preact/hooks";
import { html } from "../html.js";
import type { Period } from "./dashboard-parts.js";

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The presets of the period picker, computed from `today` (UTC). */
export function presets(today = new Date()): { id: string; label: string; period: Period }[] {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const q = Math.floor(m / 3);
  const start = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 1));
  const end = (yy: number, mm: number) => new Date(Date.UTC(yy, mm + 1, 0));
  return [
    { id: "12m", label: "Last 12 months", period: { from: iso(start(y, m - 12)), to: iso(end(y, m - 1)) } },
    { id: "ytd", label: "This year", period: { from: iso(start(y, 0)), to: iso(today) } },
    { id: "lq", label: "Last quarter", period: { from: iso(start(y, (q - 1) * 3)), to: iso(end(y, (q - 1) * 3 + 2)) } },
    { id: "ly", label: "Last year", period: { from: iso(start(y - 1, 0)), to: iso(end(y - 1, 11)) } },
  ];
}

/** A period picker: presets, or from/to dates. */
export function PeriodPicker({ period, onChange }: { period: Period; onChange: (p: Period) => void }) {
  const all = presets();
  const match = all.find((p) => p.period.from === period.from && p.period.to === period.to);
  const [custom, setCustom] = useState(!match);
  const [from, setFrom] = useState(period.from ?? "");
  const [to, setTo] = useState(period.to ?? "");
  return html`<form class="period" aria-label="Dashboard period" onSubmit=${(e: Event) => (e.preventDefault(), onChange({ from, to }))}>
    <label for="period-preset">Period</label>
    <select id="period-preset" value=${custom ? "custom" : (match?.id ?? "custom")} onChange=${(e: Event) => {
      const id = (e.target as HTMLSelectElement).value;
      const preset = all.find((p) => p.id === id);
      if (preset) {
        setCustom(false);
        onChange(preset.period);
      } else setCustom(true);
    }}>
      ${all.map((p) => html`<option value=${p.id} selected=${!custom && match?.id === p.id}>${p.label}</option>`)}
      <option value="custom" selected=${custom}>Custom…</option>
    </select>
    ${custom
      ? html`<label for="period-from">From</label><input id="period-from" type="date" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} required />
          <label for="period-to">To</label><input id="period-to" type="date" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} required />
          <button type="submit" class="secondary">Apply</button>`
      : null}
  </form>`;
}
