// Bench probe, the script right before the loader tag (both synchronous, so
// the loader runs next): the earliest the loader can start executing.
window.__bench.t0 = performance.now();
