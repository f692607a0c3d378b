// Types of live-state.js for the TypeScript tests; generated from its JSDoc with:
// npx tsc --allowJs --declaration --emitDeclarationOnly --skipLibCheck --target ES2022 --module ESNext --moduleResolution Bundler --allowImportingTsExtensions --outDir <tmp> web/live-state.js
/** @param {LivePunch} p */
export function label(p: LivePunch): string;
export class LiveState {
    /** @type {Map<string, LivePunch>} */
    punches: Map<string, LivePunch>;
    /** @type {Map<string, LiveDevice>} */
    devices: Map<string, LiveDevice>;
    /** @type {bigint | null} */
    lastId: bigint | null;
    /** @type {string | null} newest receivedAt seen (ISO strings compare in time order) */
    since: string | null;
    day: string;
    zone: string;
    onlineWindowMs: number;
    /** @param {LiveSnapshot} snapshot */
    reset(snapshot: LiveSnapshot): void;
    /**
     * Adds punches not seen yet; a punch replayed by catch-up and also received live counts once.
     * @param {LivePunch[]} list
     * @returns {LivePunch[]} the ones that were new
     */
    addPunches(list: LivePunch[]): LivePunch[];
    /** @returns {CatchUpCursor} */
    cursor(): CatchUpCursor;
    /** @returns {LivePunch[]} */
    sorted(): LivePunch[];
    /** Employees whose last punch of the day is an "in", by name. @returns {LivePunch[]} */
    whoIsIn(): LivePunch[];
    /** @param {{ pin: string, name: string | null }[]} changes */
    renameEmployees(changes: {
        pin: string;
        name: string | null;
    }[]): void;
    /** Voided punches leave the list and "who is in". @param {string[]} ids @returns {boolean} whether any was shown */
    removePunches(ids: string[]): boolean;
    /** @param {LiveDevice} device */
    upsertDevice(device: LiveDevice): void;
    /** An upload is contact: the clock was seen when its punch arrived. @param {string} sn @param {string} at */
    seenDevice(sn: string, at: string): void;
    /** @param {LiveDevice} d @param {number} now */
    isOnline(d: LiveDevice, now: number): boolean;
}
export type LivePunch = import("../server/live/events.ts").LivePunch;
export type LiveDevice = import("../server/live/events.ts").LiveDevice;
export type LiveSnapshot = import("../server/live/events.ts").LiveSnapshot;
export type CatchUpCursor = import("../server/live/events.ts").CatchUpCursor;
