import {
  DEFAULT_TENANT_ID,
  createEpca,
  systemActor,
  type EpcaStore,
  type PasswordHasher,
  type ProjectStatus,
  type TimesheetInsert,
} from "@epca/core";

/** The demo organisation's users: one of each role at least, with known passwords. */
export const DEMO_USERS = [
  { email: "head.engineering@example.com", password: "demo12345", full_name: "Grace Hopper", role: "department_head", department: 0 },
  { email: "head.sales@example.com", password: "demo12345", full_name: "Mary Kay Ash", role: "department_head", department: 1 },
  { email: "analyst@example.com", password: "demo12345", full_name: "Ada Lovelace", role: "analyst", department: null },
  { email: "analyst2@example.com", password: "demo12345", full_name: "Florence Nightingale", role: "analyst", department: null },
  { email: "viewer@example.com", password: "demo12345", full_name: "Alan Turing", role: "read_only", department: null },
  { email: "employee@example.com", password: "demo12345", full_name: "Katherine Johnson", role: "read_only", department: 0 },
] as const;

/** The demo user who is also an employee (same name and email), and logs their own time. */
export const DEMO_EMPLOYEE_EMAIL = "employee@example.com";

/** What the demo seed created. */
export interface DemoSeedSummary {
  readonly seeded: boolean;
  readonly departments: number;
  readonly employees: number;
  readonly projects: number;
  readonly timesheets: number;
  readonly allocations: number;
  readonly users: number;
}

const DEPARTMENTS = [
  { name: "Engineering", budget: 3_200_000, size: 14, salary: [85_000, 160_000], revenue: [120_000, 320_000] },
  { name: "Sales", budget: 1_800_000, size: 10, salary: [55_000, 110_000], revenue: [150_000, 450_000] },
  { name: "Marketing", budget: 1_000_000, size: 6, salary: [55_000, 95_000], revenue: [60_000, 180_000] },
  { name: "Finance", budget: 800_000, size: 5, salary: [65_000, 120_000], revenue: [20_000, 90_000] },
  { name: "Human Resources", budget: 600_000, size: 5, salary: [50_000, 90_000], revenue: [0, 40_000] },
] as const;

const PROJECTS: { name: string; department: number; status: ProjectStatus; cost: number; revenue: number; startDaysAgo: number; endDaysAgo?: number; completion: number }[] = [
  { name: "Customer Portal Rewrite", department: 0, status: "in_progress", cost: 250_000, revenue: 900_000, startDaysAgo: 400, completion: 70 },
  { name: "Data Platform", department: 0, status: "in_progress", cost: 400_000, revenue: 1_200_000, startDaysAgo: 300, completion: 55 },
  { name: "Mobile App", department: 0, status: "completed", cost: 180_000, revenue: 650_000, startDaysAgo: 380, endDaysAgo: 60, completion: 100 },
  { name: "Enterprise Deals Q-Series", department: 1, status: "in_progress", cost: 90_000, revenue: 1_500_000, startDaysAgo: 370, completion: 80 },
  { name: "Partner Channel", department: 1, status: "on_hold", cost: 60_000, revenue: 200_000, startDaysAgo: 200, completion: 30 },
  { name: "Brand Refresh", department: 2, status: "completed", cost: 120_000, revenue: 300_000, startDaysAgo: 365, endDaysAgo: 120, completion: 100 },
  { name: "Growth Campaigns", department: 2, status: "in_progress", cost: 150_000, revenue: 520_000, startDaysAgo: 240, completion: 45 },
  { name: "ERP Migration", department: 3, status: "in_progress", cost: 210_000, revenue: 150_000, startDaysAgo: 330, completion: 60 },
  { name: "Quarterly Close Automation", department: 3, status: "in_progress", cost: 50_000, revenue: 90_000, startDaysAgo: 150, completion: 40 },
  { name: "Hiring Pipeline", department: 4, status: "in_progress", cost: 40_000, revenue: 60_000, startDaysAgo: 365, completion: 65 },
  { name: "Learning Academy", department: 4, status: "planned", cost: 80_000, revenue: 100_000, startDaysAgo: -30, completion: 0 },
  { name: "Security Hardening", department: 0, status: "in_progress", cost: 130_000, revenue: 260_000, startDaysAgo: 120, completion: 35 },
];

const FIRST = ["Ava", "Liam", "Noah", "Emma", "Olivia", "Lucas", "Mia", "Ethan", "Sofia", "Amir", "Yuki", "Chen", "Priya", "Mateo", "Zoe", "Omar", "Ines", "Jonas", "Leila", "Hugo"];
const LAST = ["Martin", "Nguyen", "Schmidt", "Rossi", "Kowalski", "Haddad", "Okafor", "Silva", "Tanaka", "Dubois", "Novak", "Larsen", "Moreau", "Costa", "Ibrahim", "Fischer"];
const SKILLS = ["typescript", "sql", "negotiation", "analytics", "design", "accounting", "recruiting", "cloud", "writing", "python"];

/** A small deterministic generator: the same seed gives the same organisation. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysAgo(today: Date, days: number): Date {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - days);
  return d;
}

/**
 * Seeds a demo organisation into an EMPTY default tenant: 5 departments, 40 employees, 12
 * projects, allocations, a year of weekday timesheets (one bulk insert in one transaction) and
 * users of each role (`DEMO_USERS`). Does nothing when departments or employees already exist.
 */
export async function seedDemoOrganisation(options: {
  store: EpcaStore;
  passwordHasher: PasswordHasher;
  today?: Date;
  onProgress?: (message: string) => void;
}): Promise<DemoSeedSummary> {
  const { store } = options;
  const progress = options.onProgress ?? (() => {});
  const today = options.today ?? new Date();
  const tenant = DEFAULT_TENANT_ID;
  const empty = await store.transaction(tenant, async (scope) => {
    const departments = await scope.departments.list({}, { skip: 0, limit: 1 });
    const employees = await scope.employees.list({}, { skip: 0, limit: 1 });
    return departments.total === 0 && employees.total === 0;
  });
  if (!empty) return { seeded: false, departments: 0, employees: 0, projects: 0, timesheets: 0, allocations: 0, users: 0 };

  const epca = createEpca({ store, passwordHasher: options.passwordHasher, clock: { now: () => new Date(today) } });
  const actor = systemActor(tenant);
  const rnd = random(20240601);
  const between = (lo: number, hi: number) => Math.round((lo + (hi - lo) * rnd()) / 100) * 100;

  progress("demo seed: departments");
  const departments = [];
  for (const d of DEPARTMENTS) {
    departments.push(await epca.departments.create(actor, { name: d.name, budget: d.budget, description: `${d.name} department (demo data)` }));
  }

  progress("demo seed: employees");
  const employees: { id: number; departmentIndex: number; salary: number }[] = [];
  // The demo user who is an employee is the employee of the same name and email, so that logging in
  // as them shows their own timesheets and lets them log time.
  const personal = DEMO_USERS.filter((u) => u.email === DEMO_EMPLOYEE_EMAIL);
  const employeeOfUser = new Map<string, number>();
  let n = 0;
  for (const [index, d] of DEPARTMENTS.entries()) {
    const people = personal.filter((u) => u.department === index);
    for (let i = 0; i < d.size; i++, n++) {
      const first = FIRST[n % FIRST.length]!;
      const last = LAST[(n * 7) % LAST.length]!;
      const salary = between(d.salary[0], d.salary[1]);
      const person = people[i];
      const employee = await epca.employees.create(actor, {
        name: person?.full_name ?? `${first} ${last}`,
        email: person?.email ?? `${first}.${last}.${n}@example.com`.toLowerCase(),
        department_id: departments[index]!.id,
        salary,
        revenue_generated: between(d.revenue[0], d.revenue[1]),
        hire_date: isoDate(daysAgo(today, 400 + Math.floor(rnd() * 2000))),
        skills: [SKILLS[n % SKILLS.length]!, SKILLS[(n + 3) % SKILLS.length]!],
        is_active: true,
      });
      employees.push({ id: employee.id, departmentIndex: index, salary });
      if (person) employeeOfUser.set(person.email, employee.id);
    }
  }

  progress("demo seed: projects");
  const projects: { id: number; departmentIndex: number; start: string; end: string | null; status: ProjectStatus }[] = [];
  for (const p of PROJECTS) {
    const start = isoDate(daysAgo(today, p.startDaysAgo));
    const end = p.endDaysAgo === undefined ? null : isoDate(daysAgo(today, p.endDaysAgo));
    const project = await epca.projects.create(actor, {
      name: p.name,
      department_id: departments[p.department]!.id,
      cost: p.cost,
      revenue: p.revenue,
      status: p.status,
      completion_percentage: p.completion,
      start_date: start,
      end_date: end,
      estimated_end_date: end ?? isoDate(daysAgo(today, -120)),
    });
    projects.push({ id: project.id, departmentIndex: p.department, start, end, status: p.status });
  }

  progress("demo seed: users");
  const userIds: number[] = [];
  for (const u of DEMO_USERS) {
    const user = await epca.users.create(actor, {
      email: u.email,
      password: u.password,
      full_name: u.full_name,
      role: u.role,
      department_id: u.department === null ? null : departments[u.department]!.id,
      employee_id: employeeOfUser.get(u.email) ?? null,
    });
    userIds.push(user.id);
  }
  const reviewerOf = (departmentIndex: number) => (departmentIndex === 0 ? userIds[0]! : departmentIndex === 1 ? userIds[1]! : null);

  progress("demo seed: a year of timesheets");
  const rows: TimesheetInsert[] = [];
  const firstDay = daysAgo(today, 365);
  const yesterday = daysAgo(today, 1);
  for (const employee of employees) {
    const own = projects.filter((p) => p.departmentIndex === employee.departmentIndex && p.status !== "planned");
    if (own.length === 0) continue;
    for (let day = new Date(firstDay); day <= yesterday; day.setUTCDate(day.getUTCDate() + 1)) {
      const weekday = day.getUTCDay();
      if (weekday === 0 || weekday === 6 || rnd() < 0.08) continue;
      const date = isoDate(day);
      const open = own.filter((p) => p.start <= date && (p.end === null || date <= p.end));
      if (open.length === 0) continue;
      const ageDays = Math.round((today.getTime() - day.getTime()) / 86_400_000);
      const status = ageDays > 14 ? "approved" : ageDays > 5 ? "submitted" : "draft";
      const reviewer = status === "approved" ? reviewerOf(employee.departmentIndex) : null;
      let remaining = 7 + Math.round(rnd() * 4) / 2;
      const entries = open.length > 1 && rnd() < 0.35 ? 2 : 1;
      for (let e = 0; e < entries && remaining > 0; e++) {
        const hours = e === entries - 1 ? remaining : Math.round(remaining * (0.3 + rnd() * 0.4) * 2) / 2;
        remaining -= hours;
        const project = open[(employee.id + e + Math.floor(rnd() * open.length)) % open.length]!;
        rows.push({
          employee_id: employee.id,
          project_id: project.id,
          hours_worked: hours,
          date,
          description: "Demo work log",
          status,
          reviewed_by: reviewer,
          reviewed_at: status === "approved" ? new Date(day.getTime() + 3 * 86_400_000).toISOString() : null,
          review_note: null,
        });
      }
    }
  }
  const allocationRows = employees.map((employee) => {
    const own = projects.filter((p) => p.departmentIndex === employee.departmentIndex && p.status === "in_progress");
    const project = own[employee.id % Math.max(own.length, 1)] ?? projects.find((p) => p.departmentIndex === employee.departmentIndex)!;
    return {
      employee_id: employee.id,
      project_id: project.id,
      allocation_percentage: 80,
      allocated_hours: 80 * 20.8 * 12 * 0.08,
      start_date: isoDate(daysAgo(today, 365)),
      end_date: isoDate(daysAgo(today, -90)),
    };
  });
  const inserted = await store.transaction(tenant, async (scope) => {
    const count = await scope.timesheets.insertMany(rows);
    for (const allocation of allocationRows) await scope.allocations.insert(allocation);
    return count;
  });
  progress(`demo seed: ${inserted} timesheets stored`);

  return {
    seeded: true,
    departments: departments.length,
    employees: employees.length,
    projects: projects.length,
    timesheets: inserted,
    allocations: allocationRows.length,
    users: userIds.length,
  };
}
