import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The UCI garments productivity dataset, parsed once; `../shared/fixtures/datasets/…` by default. */
export const GARMENTS_CSV =
  process.env.EPCA_GARMENTS_CSV ?? fileURLToPath(new URL("../../../shared/fixtures/datasets/garments_worker_productivity.csv", import.meta.url));

/** One row, typed; `wip` is null where the file leaves it empty. */
export interface GarmentsRow {
  readonly date: string;
  readonly quarter: string;
  readonly department: string;
  readonly day: string;
  readonly team: number;
  readonly targeted_productivity: number;
  readonly smv: number;
  readonly wip: number | null;
  readonly over_time: number;
  readonly incentive: number;
  readonly idle_time: number;
  readonly idle_men: number;
  readonly no_of_style_change: number;
  readonly no_of_workers: number;
  readonly actual_productivity: number;
}

/** Reads the CSV; dates become ISO `YYYY-MM-DD`, department names are trimmed. */
export function readGarments(path = GARMENTS_CSV): GarmentsRow[] {
  const lines = readFileSync(path, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0]!.split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    const get = (name: string) => cells[header.indexOf(name)] ?? "";
    const [m, d, y] = get("date").split("/");
    const num = (name: string) => Number(get(name));
    return {
      date: `${y}-${m!.padStart(2, "0")}-${d!.padStart(2, "0")}`,
      quarter: get("quarter"),
      department: get("department").trim(),
      day: get("day"),
      team: num("team"),
      targeted_productivity: num("targeted_productivity"),
      smv: num("smv"),
      wip: get("wip") === "" ? null : num("wip"),
      over_time: num("over_time"),
      incentive: num("incentive"),
      idle_time: num("idle_time"),
      idle_men: num("idle_men"),
      no_of_style_change: num("no_of_style_change"),
      no_of_workers: num("no_of_workers"),
      actual_productivity: num("actual_productivity"),
    };
  });
}

const QUARTERS = ["Quarter1", "Quarter2", "Quarter3", "Quarter4", "Quarter5"];
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Saturday", "Sunday"];
const TEAMS = Array.from({ length: 12 }, (_, i) => i + 1);

/** Feature names of {@link garmentsFeatures}, in column order. */
export const GARMENTS_FEATURES: readonly string[] = [
  "finishing",
  ...QUARTERS.map((q) => `quarter_${q}`),
  ...DAYS.map((d) => `day_${d}`),
  ...TEAMS.map((t) => `team_${t}`),
  "team",
  "targeted_productivity",
  "smv",
  "log1p_wip",
  "wip_missing",
  "log1p_over_time",
  "log1p_incentive",
  "log1p_idle_time",
  "log1p_idle_men",
  "no_of_style_change",
  "no_of_workers",
];

/** One-hot categoricals, `wip` empty → 0 with a missing flag, log1p of the skewed counts (as in SOURCES.md). */
export function garmentsFeatures(row: GarmentsRow): number[] {
  return [
    row.department === "finishing" ? 1 : 0,
    ...QUARTERS.map((q) => (row.quarter === q ? 1 : 0)),
    ...DAYS.map((d) => (row.day === d ? 1 : 0)),
    ...TEAMS.map((t) => (row.team === t ? 1 : 0)),
    row.team,
    row.targeted_productivity,
    row.smv,
    Math.log1p(row.wip ?? 0),
    row.wip === null ? 1 : 0,
    Math.log1p(row.over_time),
    Math.log1p(row.incentive),
    Math.log1p(row.idle_time),
    Math.log1p(row.idle_men),
    row.no_of_style_change,
    row.no_of_workers,
  ];
}
