import { describe, expect, it } from "vitest";
import { loginCredentialsSchema, nameSchema, tenantCreateSchema, textSchema, ValidationError } from "@epca/core";
import { setup } from "./helpers.js";

/** The issues of the ValidationError `promise` rejects with, as `[field, code]`. */
async function issuesOf(promise: Promise<unknown>): Promise<[string, string][]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((i) => [i.path.join("."), i.code]);
}

describe("control characters in user text", () => {
  it("U+0000 in a name is a ValidationError naming the field, on every resource that holds a name", async () => {
    const { epca, admin } = setup();
    expect(await issuesOf(epca.departments.create(admin, { name: "Eng\u0000" }))).toEqual([["name", "invalid_format"]]);
    const dept = await epca.departments.create(admin, { name: "Engineering" });
    expect(await issuesOf(epca.departments.update(admin, dept.id, { name: "\u0000Eng" }))).toEqual([["name", "invalid_format"]]);
    expect(await issuesOf(epca.employees.create(admin, { name: "A\u0000da", department_id: dept.id, salary: 1 }))).toEqual([
      ["name", "invalid_format"],
    ]);
    expect(await issuesOf(epca.projects.create(admin, { name: "Eng\u0000ine", department_id: dept.id }))).toEqual([
      ["name", "invalid_format"],
    ]);
    expect(
      await issuesOf(epca.users.create(admin, { email: "a@example.com", password: "password1", full_name: "A\u0000" })),
    ).toEqual([["full_name", "invalid_format"]]);
    expect(
      await issuesOf(
        epca.roles.create(admin, { name: "auditor", description: "x\u0000", permissions: [{ resource: "time\u0000sheets", actions: ["read"] }] }),
      ),
    ).toEqual([
      ["description", "invalid_format"],
      ["permissions.0.resource", "invalid_format"],
    ]);
    const error = await epca.employees.create(admin, { name: "A\u0000da", department_id: dept.id, salary: 1 }).catch((e: unknown) => e);
    expect((error as ValidationError).issues[0]?.message).toBe(
      "Must not contain control characters (U+0000–U+001F, U+007F–U+009F), tabs, line breaks or unpaired surrogates",
    );
    expect(tenantCreateSchema.safeParse({ name: "Acme\u0000", subdomain: "acme", admin_email: "a@acme.com", admin_password: "password1" }).error?.issues.map((i) => i.path)).toEqual([["name"]]);
    expect((await epca.departments.list(admin)).items.map((d) => d.name)).toEqual(["Engineering"]);
  });

  it("login credentials: a control character in the username is refused before any lookup; the password may hold anything", () => {
    expect(loginCredentialsSchema.safeParse({ username: "admin@example.com\u0000", password: "x" }).error?.issues.map((i) => [i.path, i.code])).toEqual([
      [["username"], "invalid_format"],
    ]);
    expect(loginCredentialsSchema.parse({ username: " admin@example.com ", password: "p\u0000ss" })).toEqual({
      username: "admin@example.com",
      password: "p\u0000ss",
    });
  });

  it("free text keeps tab, LF and CR and refuses the other C0 controls; names refuse every control character", () => {
    const text = textSchema(100);
    for (const ok of ["tab\there", "line\nbreak", "crlf\r\n", "emoji 👩‍💻", "e\u0301", "שלום", "DEL\u007F", "C1\u0085"]) {
      expect(text.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
    }
    for (const bad of ["\u0000", "bell\u0007", "vt\u000B", "ff\u000C", "esc\u001B[31m", "unit\u001F", "lone\uD83D", "\uDE00lone"]) {
      expect(text.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const name = nameSchema(1, 100);
    expect(name.parse("  Zoë 🚀 O'Brien \\ \"x\"  ")).toBe("Zoë 🚀 O'Brien \\ \"x\"");
    for (const bad of ["a\tb", "a\nb", "a\rb", "a\u0000b", "a\u007Fb", "a\u0085b", "a\u009Fb", "a\uD800b"]) {
      expect(name.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
