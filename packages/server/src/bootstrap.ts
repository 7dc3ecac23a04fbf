import { DEFAULT_TENANT_ID, createEpca, systemActor, type EpcaStore, type PasswordHasher } from "@epca/core";

/** What `ensureFirstAdmin` did. */
export type FirstAdminOutcome = "created" | "exists" | "skipped";

/**
 * Creates the first administrator (`FIRST_ADMIN_EMAIL` / `FIRST_ADMIN_PASSWORD`) in the default
 * tenant when no user has that email yet. Without both values it does nothing ("skipped").
 */
export async function ensureFirstAdmin(options: {
  store: EpcaStore;
  passwordHasher: PasswordHasher;
  email: string | undefined;
  password: string | undefined;
  fullName?: string;
}): Promise<FirstAdminOutcome> {
  const { store, email, password } = options;
  if (!email || !password) return "skipped";
  const existing = await store.transaction(DEFAULT_TENANT_ID, (scope) => scope.users.findByEmail(email.toLowerCase()));
  if (existing) return "exists";
  const epca = createEpca({ store, passwordHasher: options.passwordHasher });
  await epca.users.create(systemActor(DEFAULT_TENANT_ID), {
    email,
    password,
    full_name: options.fullName ?? "Administrator",
    role: "admin",
  });
  return "created";
}
