// Preloaded into every Node.js process by `npm run test:stress` (NODE_OPTIONS=--require): it blocks before
// anything else runs, so each process starts as late as it does on a cold machine (module loading from a
// cold disk), but reproducibly. A test that counts from wall time instead of from the event it depends on
// fails under it.
'use strict';
const ms = Number(process.env.ZDR_SLOW_START_MS ?? '500');
if (Number.isFinite(ms) && ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
