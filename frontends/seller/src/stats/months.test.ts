import { describe, expect, it } from "vitest";

import { addMonths, checkRange, currentMonth, defaultRange, formatMonth, isMonth, monthCount } from "./months";

describe("month arithmetic", () => {
  it("recognises YYYY-MM only", () => {
    expect(isMonth("2026-03")).toBe(true);
    expect(isMonth("2026-12")).toBe(true);
    expect(isMonth("2026-13")).toBe(false);
    expect(isMonth("2026-00")).toBe(false);
    expect(isMonth("2026-3")).toBe(false);
    expect(isMonth("")).toBe(false);
    expect(isMonth(null)).toBe(false);
  });

  it("adds and subtracts months across years", () => {
    expect(addMonths("2026-03", 1)).toBe("2026-04");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-03", -11)).toBe("2025-04");
    expect(addMonths("2026-03", -36)).toBe("2023-03");
    expect(() => addMonths("March", 1)).toThrow(RangeError);
  });

  it("counts months inclusively", () => {
    expect(monthCount("2026-03", "2026-03")).toBe(1);
    expect(monthCount("2025-04", "2026-03")).toBe(12);
    expect(monthCount("2026-04", "2026-03")).toBe(0);
  });

  it("takes the current month from the local calendar", () => {
    expect(currentMonth(new Date(2026, 0, 31, 23, 59))).toBe("2026-01");
    expect(currentMonth(new Date(2025, 11, 1))).toBe("2025-12");
  });

  it("defaults to the twelve months ending at the chosen one", () => {
    expect(defaultRange("2026-03")).toEqual({ from: "2025-04", to: "2026-03" });
    expect(monthCount(defaultRange("2026-01").from, "2026-01")).toBe(12);
  });

  it("formats a month without a time zone shifting it", () => {
    expect(formatMonth("2026-03", "en-US")).toBe("March 2026");
    expect(formatMonth("2026-01", "en-US", "short")).toBe("Jan 2026");
    expect(formatMonth("nonsense", "en-US")).toBe("nonsense");
  });
});

describe("range check", () => {
  it("accepts up to 36 months", () => {
    expect(checkRange("2025-04", "2026-03")).toEqual({ ok: true, months: 12 });
    expect(checkRange("2023-04", "2026-03")).toEqual({ ok: true, months: 36 });
    expect(checkRange("2026-03", "2026-03")).toEqual({ ok: true, months: 1 });
  });

  it("refuses more than 36 months, saying how many", () => {
    const check = checkRange("2023-03", "2026-03");
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/at most 36 months.*37/);
  });

  it("refuses a first month after the last", () => {
    const check = checkRange("2026-04", "2026-03");
    expect(!check.ok && check.message).toMatch(/must not be after/);
  });

  it("refuses an incomplete range", () => {
    expect(checkRange("", "2026-03").ok).toBe(false);
    expect(checkRange("2026-03", "2026-3").ok).toBe(false);
  });

  it("honours another limit", () => {
    expect(checkRange("2025-01", "2026-03", 12).ok).toBe(false);
  });
});
