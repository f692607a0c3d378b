import { benchLiveFirstLoad } from './live-first-load.ts';
import { benchTimesheets } from './timesheets.ts';
console.log('timesheets', JSON.stringify(await benchTimesheets({ employees: 500, days: 31 })));
console.log('liveFirstLoad', JSON.stringify(await benchLiveFirstLoad({ punches: 5000 })));
process.exit(0);
