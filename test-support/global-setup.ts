// Starts what the test suites need that is not a package: filled in by the PostgreSQL work.
export default async function setup(): Promise<void> {}
