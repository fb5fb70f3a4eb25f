// Month arithmetic on "YYYY-MM" strings (the API's and <input type="month">'s format), without
// Date's time zones: a month is a year and a month number, nothing more.

/** The most months one series or CSV request may cover (the API's stats_series_max_months). */
export const MAX_RANGE_MONTHS = 36;
/** The default range: this many months, ending at the chosen month. */
export const DEFAULT_RANGE_MONTHS = 12;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month as a number of months since year 0, or null if it is not "YYYY-MM". */
function index(month: string): number | null {
  const match = MONTH.exec(month);
  return match ? Number(match[1]) * 12 + Number(match[2]) - 1 : null;
}

function fromIndex(value: number): string {
  const year = Math.floor(value / 12);
  const month = value - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

export function isMonth(text: string | null | undefined): text is string {
  return typeof text === "string" && index(text) !== null;
}

/** `month` moved by `count` months (negative: back). */
export function addMonths(month: string, count: number): string {
  const value = index(month);
  if (value === null) throw new RangeError(`not a month: ${month}`);
  return fromIndex(value + count);
}

/** How many months from `from` to `to`, both included (0 or less when `from` is after `to`). */
export function monthCount(from: string, to: string): number {
  const first = index(from);
  const last = index(to);
  if (first === null || last === null) throw new RangeError(`not a month: ${first === null ? from : to}`);
  return last - first + 1;
}

/** The calendar month of `date` in the browser's time zone. */
export function currentMonth(date: Date = new Date()): string {
  return fromIndex(date.getFullYear() * 12 + date.getMonth());
}

/** The default range of the series: DEFAULT_RANGE_MONTHS ending at `month`. */
export function defaultRange(month: string): { from: string; to: string } {
  return { from: addMonths(month, 1 - DEFAULT_RANGE_MONTHS), to: month };
}

export type RangeCheck = { ok: true; months: number } | { ok: false; message: string };

/** Whether the API will accept the range; the message says what to change if not. */
export function checkRange(from: string, to: string, max = MAX_RANGE_MONTHS): RangeCheck {
  if (!isMonth(from) || !isMonth(to)) return { ok: false, message: "Choose both a first and a last month." };
  const months = monthCount(from, to);
  if (months < 1) return { ok: false, message: "The first month must not be after the last month." };
  if (months > max) {
    return { ok: false, message: `Choose at most ${max} months (this range has ${months}).` };
  }
  return { ok: true, months };
}

/** "March 2026" (or the locale's way of saying it); the month is a calendar month, no zone. */
export function formatMonth(month: string, locale?: string, style: "long" | "short" = "long"): string {
  const value = index(month);
  if (value === null) return month;
  const date = new Date(Date.UTC(Math.floor(value / 12), value % 12, 1));
  return new Intl.DateTimeFormat(locale, { month: style, year: "numeric", timeZone: "UTC" }).format(date);
}
