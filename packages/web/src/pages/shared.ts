import { useApp, useLoad } from "../ui.js";

/** A department as the lists name it. */
export interface DepartmentRef {
  readonly id: number;
  readonly name: string;
}

/** The departments, for filters and selects. */
export function useDepartments() {
  const { api } = useApp();
  return useLoad(() => api.all<DepartmentRef>("/departments/"), [api]);
}

/** `id → name` of the departments. */
export function departmentNames(list: readonly DepartmentRef[] | undefined): Map<number, string> {
  return new Map((list ?? []).map((d) => [d.id, d.name]));
}
