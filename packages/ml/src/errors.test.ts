import { EpcaError, isEpcaError } from "@epca/core";
import { describe, expect, it } from "vitest";
import { InsufficientHistoryError, isMlError } from "./errors.js";

describe("package errors are core's EpcaError, so one code table maps them", () => {
  it("keeps each subclass's own stable code, message and fields", () => {
    const short = new InsufficientHistoryError(6, 4);
    expect(short).toBeInstanceOf(EpcaError);
    expect(isEpcaError(short)).toBe(true);
    expect({ code: short.code, needed: short.needed, available: short.available, name: short.name }).toEqual({
      code: "insufficient_history",
      needed: 6,
      available: 4,
      name: "InsufficientHistoryError",
    });
  });
});

describe("isMlError", () => {
  it("is true for this package's errors only", () => {
    expect(isMlError(new InsufficientHistoryError(6, 4))).toBe(true);
    expect(isMlError(new EpcaError("not_found", "another package's"))).toBe(false);
    expect(isMlError(new Error("plain"))).toBe(false);
    expect(isMlError("insufficient_history")).toBe(false);
  });
});
