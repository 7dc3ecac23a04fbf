import type { EntityReference } from "./own-format.js";
import type { RowError } from "./tracker-formats.js";

/** One data row of an upload: `values` when it is valid, else `null` and its `errors`. */
export interface UploadRow<V> {
  /** The row a spreadsheet shows: the header is row 1, the first data row is row 2. */
  readonly row: number;
  readonly values: V | null;
  /** By-name references still to resolve (`resolveReferences`); empty for tracker rows. */
  readonly references: readonly EntityReference[];
  readonly errors: readonly RowError[];
}
