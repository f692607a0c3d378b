// Types of timesheet-periods.js for the TypeScript tests; generated from its JSDoc with:
// npx tsc --allowJs --declaration --emitDeclarationOnly --skipLibCheck --target ES2022 --module ESNext --moduleResolution Bundler --allowImportingTsExtensions --outDir <tmp> web/timesheet-periods.js
/**
 * @param {'this-week' | 'last-week' | 'this-month' | 'last-month'} period
 * @param {Date} today
 * @returns {{ from: string, to: string }}
 */
export function periodDates(period: "this-week" | "last-week" | "this-month" | "last-month", today: Date): {
    from: string;
    to: string;
};
/** "7:20" from seconds. @param {number} seconds */
export function hoursMinutes(seconds: number): string;
export function isoDate(d: Date): string;
/** Flags HR should look at (overnight and open are facts, not problems). */
export const PROBLEM_FLAGS: string[];
/** @type {Record<string, string>} */
export const FLAG_LABELS: Record<string, string>;
