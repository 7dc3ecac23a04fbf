/** Memory-hard password hashing (scrypt or argon2id), supplied by the host: core does no crypto. */
export interface PasswordHasher {
  /** A self-describing hash of the password (algorithm, parameters, salt, digest). */
  hash(password: string): Promise<string>;
  /** Whether the password matches the hash; MUST compare in constant time. */
  verify(password: string, hash: string): Promise<boolean>;
}
