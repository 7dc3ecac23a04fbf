import { checkEqual } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "allocations". */
export function allocationContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, basics } = ctx;
  describe("allocations", () => {
    it("finds the overlapping allocations, bounds inclusive", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      const [a, b] = await run(tenant, async (s) => {
        const values = { employee_id: employee.id, project_id: project.id, allocated_hours: 0 };
        return [
          await s.allocations.insert({ ...values, allocation_percentage: 50, start_date: "2024-01-01", end_date: "2024-01-31" }),
          await s.allocations.insert({ ...values, allocation_percentage: 30, start_date: "2024-02-01", end_date: "2024-02-29" }),
          await s.allocations.insert({ ...values, allocation_percentage: 20, start_date: "2024-04-01", end_date: "2024-04-30" }),
        ];
      });
      const ids = (list: { id: number }[]) => list.map((x) => x.id);
      checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-01-31", "2024-02-01"))), [a?.id, b?.id], "touching bounds overlap");
      checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-03-01", "2024-03-31"))), [], "a gap overlaps nothing");
      checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-01-15", "2024-02-15", a?.id))), [b?.id], "excluded id left out");
      const listed = await run(tenant, (s) => s.allocations.list({ from: "2024-02-15", to: "2024-04-01" }, { skip: 0, limit: 10 }));
      checkEqual(listed.total, 2, "list by overlapping range");
    });
  });
}
