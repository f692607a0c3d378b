// Types of live-state.js for the TypeScript tests; generated from its JSDoc with:
// npx tsc --allowJs --declaration --emitDeclarationOnly --skipLibCheck --target ES2022 --module ESNext --moduleResolution Bundler --allowImportingTsExtensions --outDir <tmp> web/live-state.js
/** @param {LivePunch} p */
export function label(p: LivePunch): string;
export class LiveState {
    /** @type {Map<string, LivePunch>} the punches loaded: the newest page, what came live, older pages asked for */
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
    /** Today's punch count: the snapshot's, plus each new punch above its highest id. */
    total: number;
    /** @type {bigint | null} the snapshot's highest punch id: punches above it were not in its count */
    maxId: bigint | null;
    /** Older punches than those loaded exist on the server. */
    more: boolean;
    /** @type {Map<string, LivePunch>} employees in now: their last punch of the day, an "in" */
    present: Map<string, LivePunch>;
    /** @type {Map<string, string>} each employee's last punch instant today */
    lastAt: Map<string, string>;
    /** @param {LiveSnapshot} snapshot */
    reset(snapshot: LiveSnapshot): void;
    /**
     * Adds punches not seen yet; a punch replayed by catch-up and also received live counts once.
     * @param {LivePunch[]} list
     * @returns {LivePunch[]} the ones that were new
     */
    addPunches(list: LivePunch[]): LivePunch[];
    /**
     * An older page asked for by scrolling: shown, but the catch-up cursor stays where it was.
     * @param {import('../server/live/events.ts').PunchPage} page
     */
    addOlder(page: import("../server/live/events.ts").PunchPage): void;
    /** Where the next older page starts: the oldest punch loaded. @returns {string | null} */
    oldestCursor(): string | null;
    /** @param {LivePunch} p @returns {boolean} whether it was new */
    take(p: LivePunch): boolean;
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
