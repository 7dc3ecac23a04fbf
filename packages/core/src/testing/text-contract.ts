import { ConflictError, ValidationError } from "../errors.js";
import { systemActor } from "../policy/actor.js";
import { fixedClock } from "../ports/clock.js";
import type { EpcaStore, TenantScope } from "../ports/store.js";
import { PLAN_LIMITS } from "../schemas/tenant.js";
import { createEpca } from "../use-cases/create-epca.js";
import { check, checkEqual, checkRejects } from "./assertions.js";
import type { ContractRunner, StoreContractOptions } from "./contract/kit.js";

/**
 * Text that is legal everywhere yet easy to mangle: astral emoji (surrogate pairs in UTF-16, four
 * bytes in UTF-8), a ZWJ sequence, combining marks (not normalized: `e` + U+0301 must not become
 * `é`), right-to-left scripts with a bidi mark, quotes of every kind, backslashes that look like
 * escapes, SQL and LIKE metacharacters, and the whitespace free text may hold (tab, LF, CR).
 */
export const TRICKY_TEXT = {
  emoji: "Team 🚀 👩‍💻 🇺🇦",
  combining: "Cafe\u0301 n\u0303o Z\u0335\u0321a\u0336l\u0334g\u0337o",
  rtl: "قسم الهندسة \u200F עברית",
  quotes: `O'Brien "quoted" ‘single’ “double” «guillemets» \`tick\``,
  backslashes: "C:\\path\\to\\n \\u0000 \\x00 \\\\ %_ '; DROP TABLE departments; --",
  multiline: "line one\n\tindented\r\nline three",
} as const;

/** A 1,000-character description mixing every case above (counted in UTF-16 code units, as `max` counts). */
export function longTrickyText(length = 1_000): string {
  const parts = Object.values(TRICKY_TEXT).join(" · ");
  let text = "";
  while (text.length < length) text += parts;
  // Cut on a code-point boundary so no lone surrogate is left at the end.
  let cut = text.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = `${cut.slice(0, -1)}x`;
  return cut;
}

/** The code points of `text`, for a failure message that shows what changed. */
function codePoints(text: string | null | undefined): string {
  if (text === null || text === undefined) return String(text);
  return [...text].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(" ");
}

/** Throws unless `actual` is exactly `expected`, code unit for code unit (so byte for byte in UTF-8). */
function checkSameText(actual: string | null | undefined, expected: string, message: string): void {
  if (actual !== expected) {
    throw new Error(`Contract violated: ${message}\n  expected: ${codePoints(expected)}\n  actual:   ${codePoints(actual)}`);
  }
}

let tenantCounter = 0;

function uniqueTenantId(): string {
  tenantCounter += 1;
  return `tx-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${tenantCounter}`;
}

/**
 * Runs the text contract: what an adapter stores comes back byte-identical for tricky but legal
 * text (emoji, combining marks, right-to-left scripts, quotes, backslashes, 1,000-character
 * descriptions) in every text column, array and JSON document; and, through the use cases, text a
 * column cannot hold (U+0000 and the other refused control characters, see `textSchema` and
 * `nameSchema`) is the same `ValidationError` naming the field on every store, with nothing stored.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from "vitest";
 * runTextContract({ describe, it, beforeAll, afterAll }, { name: "memory", createStore: async () => createMemoryStore() });
 */
export function runTextContract(runner: ContractRunner, options: StoreContractOptions): void {
  const { describe, it, beforeAll, afterAll } = runner;
  let store: EpcaStore;

  async function newTenant(name = "Text contract"): Promise<string> {
    const id = uniqueTenantId();
    await store.tenants.insert({ id, name, subdomain: id.slice(0, 63), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
    return id;
  }
  const run = <T>(tenant: string, work: (scope: TenantScope) => Promise<T>) => store.transaction(tenant, work);

  describe(`EpcaStore text contract: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.createStore();
    }, 120_000);
    afterAll(async () => {
      if (!store) return;
      if (options.closeStore) await options.closeStore(store);
      else await store.close();
    }, 60_000);

    for (const [label, text] of Object.entries(TRICKY_TEXT)) {
      it(`stores ${label} text byte-identical in names, descriptions and skills`, async () => {
        const tenant = await newTenant();
        const singleLine = text.replace(/[\t\r\n]+/g, " ");
        const stored = await run(tenant, async (scope) => {
          const dept = await scope.departments.insert({ name: singleLine, budget: 1, description: text });
          const employee = await scope.employees.insert({
            name: singleLine,
            email: null,
            department_id: dept.id,
            salary: 1,
            revenue_generated: 0,
            hire_date: null,
            skills: [singleLine, text],
            is_active: true,
          });
          return { dept, employee };
        });
        checkSameText(stored.dept.name, singleLine, `insert answers the ${label} name as given`);
        const read = await run(tenant, async (scope) => ({
          byId: await scope.departments.findById(stored.dept.id),
          byName: await scope.departments.findByName(singleLine),
          listed: await scope.departments.list({ name: singleLine }, { skip: 0, limit: 10 }),
          employee: await scope.employees.findById(stored.employee.id),
        }));
        checkSameText(read.byId?.name, singleLine, `${label} department name read back`);
        checkSameText(read.byId?.description, text, `${label} department description read back`);
        checkEqual(read.byName?.id, stored.dept.id, `findByName finds the ${label} name`);
        checkEqual(read.listed.items.map((d) => d.id), [stored.dept.id], `the name filter matches the ${label} name`);
        checkSameText(read.employee?.name, singleLine, `${label} employee name read back`);
        checkEqual(read.employee?.skills.length, 2, `${label} skills keep their count`);
        checkSameText(read.employee?.skills[0], singleLine, `${label} first skill read back`);
        checkSameText(read.employee?.skills[1], text, `${label} second skill read back`);
      });
    }

    it("stores 1,000-character descriptions byte-identical on every resource, and in the audit log's JSON", async () => {
      const long = longTrickyText(1_000);
      check(long.length === 1_000, "the long text is 1,000 code units");
      const tenant = await newTenant(TRICKY_TEXT.rtl);
      const ids = await run(tenant, async (scope) => {
        const dept = await scope.departments.insert({ name: "Long", budget: 1, description: long });
        const employee = await scope.employees.insert({
          name: TRICKY_TEXT.combining,
          email: null,
          department_id: dept.id,
          salary: 1,
          revenue_generated: 0,
          hire_date: null,
          skills: [],
          is_active: true,
        });
        const project = await scope.projects.insert({
          name: TRICKY_TEXT.emoji,
          department_id: dept.id,
          cost: 0,
          revenue: 0,
          status: "in_progress",
          completion_percentage: 0,
          start_date: null,
          end_date: null,
          estimated_end_date: null,
          description: long,
        });
        const timesheet = await scope.timesheets.insert({
          employee_id: employee.id,
          project_id: project.id,
          hours_worked: 1,
          date: "2024-03-04",
          description: long,
          status: "rejected",
          reviewed_by: null,
          reviewed_at: null,
          review_note: long,
        });
        const user = await scope.users.insert({
          email: "text.contract@example.com",
          password_hash: "not-a-real-hash",
          full_name: TRICKY_TEXT.quotes,
          role: "read_only",
          is_active: true,
          department_id: null,
          employee_id: null,
        });
        const role = await scope.roles.insert({
          name: "text_contract",
          description: long.slice(0, 500),
          permissions: [{ resource: TRICKY_TEXT.backslashes, actions: [TRICKY_TEXT.emoji] }],
        });
        const audit = await scope.audit.append({
          user_id: null,
          action: "update",
          resource_type: "department",
          resource_id: String(dept.id),
          changes: { before: { description: long }, after: { name: TRICKY_TEXT.rtl, skills: [TRICKY_TEXT.backslashes] } },
          ip_address: null,
          user_agent: TRICKY_TEXT.quotes,
          request_id: null,
        });
        return { dept: dept.id, project: project.id, timesheet: timesheet.id, user: user.id, role: role.id, audit: audit.id };
      });

      const read = await run(tenant, async (scope) => ({
        dept: await scope.departments.findById(ids.dept),
        project: await scope.projects.findById(ids.project),
        timesheet: await scope.timesheets.findById(ids.timesheet),
        user: await scope.users.findById(ids.user),
        role: await scope.roles.findById(ids.role),
        audit: (await scope.audit.list({ resource_type: "department" }, { skip: 0, limit: 10 })).items,
      }));
      checkSameText(read.dept?.description, long, "department description");
      checkSameText(read.project?.name, TRICKY_TEXT.emoji, "project name");
      checkSameText(read.project?.description, long, "project description");
      checkSameText(read.timesheet?.description, long, "timesheet description");
      checkSameText(read.timesheet?.review_note, long, "timesheet review note");
      checkSameText(read.user?.full_name, TRICKY_TEXT.quotes, "user full name");
      checkSameText(read.role?.description, long.slice(0, 500), "role description");
      checkEqual(read.role?.permissions, [{ resource: TRICKY_TEXT.backslashes, actions: [TRICKY_TEXT.emoji] }], "role permissions");
      checkEqual(read.audit.map((e) => e.id), [ids.audit], "one audit entry");
      checkEqual(
        read.audit[0]?.changes,
        { before: { description: long }, after: { name: TRICKY_TEXT.rtl, skills: [TRICKY_TEXT.backslashes] } },
        "audit changes JSON",
      );
      checkSameText(read.audit[0]?.user_agent, TRICKY_TEXT.quotes, "audit user agent");
      const tenantRecord = await store.tenants.findById(tenant);
      checkSameText(tenantRecord?.name, TRICKY_TEXT.rtl, "tenant name");
    });

    it("department names are unique regardless of case: findByName, insert and update agree", async () => {
      const tenant = await newTenant();
      const sales = await run(tenant, (s) => s.departments.insert({ name: "Sales", budget: 1, description: null }));
      const other = await run(tenant, (s) => s.departments.insert({ name: "Support", budget: 1, description: null }));
      for (const spelling of ["Sales", "sales", "SALES", "sAlEs"]) {
        checkEqual((await run(tenant, (s) => s.departments.findByName(spelling)))?.id, sales.id, `findByName("${spelling}")`);
      }
      checkEqual(await run(tenant, (s) => s.departments.findByName("Sale")), null, "no prefix match");
      await checkRejects(run(tenant, (s) => s.departments.insert({ name: "SALES", budget: 1, description: null })), ConflictError, "insert SALES");
      await checkRejects(run(tenant, (s) => s.departments.update(other.id, { name: "sales" })), ConflictError, "rename to sales");
      const renamed = await run(tenant, (s) => s.departments.update(sales.id, { name: "SALES" }));
      checkSameText(renamed?.name, "SALES", "a department may change the case of its own name");
      const elsewhere = await newTenant();
      const there = await run(elsewhere, (s) => s.departments.insert({ name: "sales", budget: 1, description: null }));
      checkSameText(there.name, "sales", "another tenant may use the name in any case");
      const epca = createEpca({ store, passwordHasher: null });
      const conflict = await checkRejects(epca.departments.create(systemActor(tenant), { name: "Sales" }), ConflictError, "use case");
      checkEqual(conflict.message, 'A department named "Sales" already exists', "the use case names the clash");
    });

    it("refuses U+0000 and other control characters through the use cases with one ValidationError naming the field, storing nothing", async () => {
      const tenant = await newTenant();
      const epca = createEpca({ store, passwordHasher: null, clock: fixedClock("2024-06-15T12:00:00Z") });
      const admin = systemActor(tenant);
      const fieldsOf = (error: ValidationError) => error.issues.map((i) => [i.path.join("."), i.code]);

      const nul = await checkRejects(epca.departments.create(admin, { name: "Eng\u0000ineering" }), ValidationError, "NUL in a name");
      checkEqual(fieldsOf(nul), [["name", "invalid_format"]], "NUL in a department name names the field");
      const inDescription = await checkRejects(
        epca.departments.create(admin, { name: "Engineering", description: "a\u0000b" }),
        ValidationError,
        "NUL in a description",
      );
      checkEqual(fieldsOf(inDescription), [["description", "invalid_format"]], "NUL in a description names the field");
      const tabInName = await checkRejects(epca.departments.create(admin, { name: "Eng\tineering" }), ValidationError, "tab in a name");
      checkEqual(fieldsOf(tabInName), [["name", "invalid_format"]], "a tab inside a name is refused");
      const loneSurrogate = await checkRejects(epca.departments.create(admin, { name: "Eng\uD800" }), ValidationError, "lone surrogate");
      checkEqual(fieldsOf(loneSurrogate), [["name", "invalid_format"]], "an unpaired surrogate is refused");
      checkEqual((await epca.departments.list(admin)).total, 0, "nothing was stored");

      const dept = await epca.departments.create(admin, { name: "Engineering", description: "tab\tand\r\nbreaks" });
      checkSameText(dept.description, "tab\tand\r\nbreaks", "tab and line breaks stay legal in free text");
      const employeeError = await checkRejects(
        epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1, skills: ["ok", "b\u0000d"] }),
        ValidationError,
        "NUL in a skill",
      );
      checkEqual(fieldsOf(employeeError), [["skills.1", "invalid_format"]], "NUL in a skill names the item");
      const employee = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1 });
      const project = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, status: "in_progress" });
      const timesheetError = await checkRejects(
        epca.timesheets.create(admin, {
          employee_id: employee.id,
          project_id: project.id,
          hours_worked: 1,
          date: "2024-06-14",
          description: "x\u0000",
        }),
        ValidationError,
        "NUL in a timesheet description",
      );
      checkEqual(fieldsOf(timesheetError), [["description", "invalid_format"]], "NUL in a timesheet description names the field");
      checkEqual((await epca.timesheets.list(admin)).total, 0, "no timesheet was stored");
    });
  });
}
