import { scryptSync, randomBytes, timingSafeEqual } from "node:crypto";
import { createMemoryStore } from "@epca/adapter-memory";
import { createEpca, fixedClock, systemActor, type Actor, type BuiltInRoleName, type PasswordHasher } from "@epca/core";

/** Real scrypt at a low cost: core does no crypto itself, the host supplies it. */
export const testHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(16);
    return `${salt.toString("hex")}:${scryptSync(password, salt, 32, { N: 1024 }).toString("hex")}`;
  },
  async verify(password, stored) {
    const [salt, digest] = stored.split(":");
    if (!salt || !digest) return false;
    const actual = scryptSync(password, Buffer.from(salt, "hex"), 32, { N: 1024 });
    return timingSafeEqual(actual, Buffer.from(digest, "hex"));
  },
};

/** A fresh organisation in memory, on 2024-06-15, with an admin actor. */
export function setup() {
  const store = createMemoryStore();
  const clock = fixedClock("2024-06-15T12:00:00Z");
  const epca = createEpca({ store, clock, passwordHasher: testHasher });
  const admin = systemActor("default", { id: "req-1", ip: "10.0.0.1", userAgent: "vitest" });
  return { store, clock, epca, admin };
}

/** An actor of a role, as the server would build it for a user. */
export function actorOf(role: BuiltInRoleName, extra: Partial<Actor> = {}): Actor {
  return { userId: 1_000, tenantId: "default", role, departmentId: null, employeeId: null, ...extra };
}
