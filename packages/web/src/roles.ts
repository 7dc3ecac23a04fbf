/**
 * What each built-in role may do, as the UI needs it to hide what the API would refuse anyway
 * (the grants of `@epca/core`'s BUILT_IN_ROLES, spec 000 section 4's endpoint tables).
 */
export type Role = "admin" | "department_head" | "analyst" | "read_only";

/** The signed-in user (`GET /auth/me`). */
export interface Me {
  readonly id: number;
  readonly email: string;
  readonly full_name: string | null;
  readonly role: Role;
  readonly is_active: boolean;
  readonly department_id: number | null;
  readonly employee_id: number | null;
  readonly is_platform_admin?: boolean;
}

/** The abilities the pages check. */
export interface Abilities {
  /** Company figures and rankings (`company_analytics`). */
  readonly companyAnalytics: boolean;
  readonly createDepartments: boolean;
  /** Edit a department, employee or project of `departmentId`. */
  editIn(departmentId: number | null | undefined): boolean;
  /** Approve or reject timesheets of that department. */
  approveIn(departmentId: number | null | undefined): boolean;
  readonly approves: boolean;
  readonly reports: boolean;
  readonly uploads: boolean;
  readonly predictions: boolean;
  readonly admin: boolean;
  /** Logs time: has an employee record, or may log for others. */
  readonly logsTime: boolean;
}

/** The abilities of `me`. */
export function abilities(me: Me): Abilities {
  const admin = me.role === "admin";
  const head = me.role === "department_head";
  const analyst = me.role === "analyst";
  return {
    companyAnalytics: admin || analyst,
    createDepartments: admin || head,
    editIn: (dep) => admin || (head && dep !== null && dep !== undefined && dep === me.department_id),
    approveIn: (dep) => admin || (head && dep !== null && dep !== undefined && dep === me.department_id),
    approves: admin || head,
    reports: admin || analyst,
    uploads: admin || head,
    predictions: admin || analyst,
    admin,
    logsTime: admin || head || me.employee_id !== null,
  };
}

/** A role as people read it. */
export function roleLabel(role: string): string {
  return ({ admin: "Administrator", department_head: "Department head", analyst: "Analyst", read_only: "Read-only" } as Record<string, string>)[role] ?? role;
}
