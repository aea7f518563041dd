// Times every store operation that returns a promise, by method name, so
// /metrics shows how long the shared store (Redis) takes to answer. The
// store's own methods run on the store itself (its private fields need
// that), the wrapper only measures. The label set is the store's method
// names: bounded. Long polls (waitRun waits for news on purpose) and the
// listener registrations are left out.
import { performance } from 'node:perf_hooks';

const NOT_TIMED = new Set(['waitRun', 'start', 'close', 'ping']);

export function instrumentStore(store, observe) {
  const wrapped = new Map();
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (typeof name !== 'string' || NOT_TIMED.has(name) || name.startsWith('on')) return value.bind(target);
      let fn = wrapped.get(name);
      if (!fn) {
        fn = (...args) => {
          const started = performance.now();
          const result = value.apply(target, args);
          if (!result || typeof result.then !== 'function') return result;
          return result.then(
            (v) => { observe(name, 'ok', (performance.now() - started) / 1000); return v; },
            (e) => { observe(name, 'error', (performance.now() - started) / 1000); throw e; },
          );
        };
        wrapped.set(name, fn);
      }
      return fn;
    },
  });
}
