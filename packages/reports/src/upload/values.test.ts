import { describe, expect, it } from "vitest";
import { hoursBetween, hoursBetweenInstants, parseDate, parseDecimal, parseDurationHours, parseTimeOfDay } from "./values.js";

describe("tracker value readers", () => {
  it("reads decimals with either mark and thousands separators", () => {
    expect([parseDecimal("1.5"), parseDecimal("1,5"), parseDecimal("2.001,0"), parseDecimal("1,234.5"), parseDecimal("-3"), parseDecimal(" 0,01 ")]).toEqual([1.5, 1.5, 2001, 1234.5, -3, 0.01]);
    expect([parseDecimal(""), parseDecimal("abc"), parseDecimal("1,2,3"), parseDecimal("1.2.3")]).toEqual([null, null, null, null]);
  });

  it("reads durations as hh:mm:ss, h:mm or decimal hours", () => {
    expect(parseDurationHours("01:00:01")).toBe(1 + 1 / 3600);
    expect(parseDurationHours("00:30:00")).toBe(0.5);
    expect(parseDurationHours("1:15")).toBe(1.25);
    expect(parseDurationHours("27:00:00")).toBe(27);
    expect(parseDurationHours("0,25")).toBe(0.25);
    expect(parseDurationHours("1:75")).toBeNull();
  });

  it("reads ISO, US (month first) and dotted European dates, refusing impossible ones", () => {
    expect(parseDate("2024-03-04")).toBe("2024-03-04");
    expect(parseDate("2024-03-04T09:23:52Z")).toBe("2024-03-04");
    expect(parseDate("10/15/2024")).toBe("2024-10-15");
    expect(parseDate("3/4/2024")).toBe("2024-03-04");
    expect(parseDate("15.10.2024")).toBe("2024-10-15");
    expect(parseDate("15/10/2024")).toBeNull();
    expect(parseDate("2023-02-29")).toBeNull();
  });

  it("reads AM/PM and 24-hour times and the hours between two of them", () => {
    expect(parseTimeOfDay("12:00 AM")).toBe(0);
    expect(parseTimeOfDay("12:30:00 PM")).toBe(12.5 * 3600);
    expect(parseTimeOfDay("11:23:01 AM")).toBe(11 * 3600 + 23 * 60 + 1);
    expect(parseTimeOfDay("23:59")).toBe(23 * 3600 + 59 * 60);
    expect(parseTimeOfDay("13:00 PM")).toBeNull();
    expect(hoursBetween("03/04/2024", "10:23 AM", "03/04/2024", "11:23:01 AM")).toBe(3601 / 3600);
    expect(hoursBetween("2024-03-04", "23:00", "2024-03-05", "01:30")).toBe(2.5);
    expect(hoursBetweenInstants("2024-03-04T09:23:00Z", "2024-03-04T10:23:01Z")).toBe(3601 / 3600);
  });
});
