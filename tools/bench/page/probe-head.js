// Bench probe, the first script on the page, so everything it watches is
// in place before the widget (or the plain baseline) exists:
//   - wraps fetch, so the widget's /api/chat calls are timed when made;
//   - records every Enter keydown in the capture phase, before any other
//     listener runs;
//   - watches for the launcher: `inDom` when its host element is in the
//     document (a MutationObserver: a microtask after the script that added
//     it), then once the button has a box (checked at once, then in each
//     frame's animation callbacks), `visible` in the task after the frame
//     that paints it (a message posted from that frame's callbacks);
//   - records long tasks (longtask), the widget's scripts inside long
//     animation frames (their sourceURL names natter.*), and when
//     requestIdleCallback callbacks start and the idle time each is given
//     (the loader's idle preload).
(function () {
  var bench = (window.__bench = { keys: [], fetches: [], longTasks: [], widgetLoafScripts: [], idleCallbacks: [] });
  function observe(type, onEntry) {
    try {
      new PerformanceObserver(function (list) { list.getEntries().forEach(onEntry); }).observe({ type: type, buffered: true });
    } catch (e) { /* entry type not supported: nothing recorded */ }
  }
  observe('longtask', function (e) { bench.longTasks.push({ start: e.startTime, duration: e.duration }); });
  observe('long-animation-frame', function (frame) {
    (frame.scripts || []).forEach(function (s) {
      if (/\/natter\./.test(s.sourceURL)) bench.widgetLoafScripts.push({ start: s.startTime, duration: s.duration, url: s.sourceURL });
    });
  });
  var idle = window.requestIdleCallback;
  if (idle) {
    window.requestIdleCallback = function (callback, options) {
      return idle.call(window, function (deadline) {
        bench.idleCallbacks.push({ at: performance.now(), remaining: deadline.timeRemaining() });
        return callback(deadline);
      }, options);
    };
  }
  var realFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : String(input && input.url);
    if (/\/api\/chat$/.test(url)) bench.fetches.push(performance.now());
    return realFetch.call(this, input, init);
  };
  addEventListener('keydown', function (e) {
    if (e.key === 'Enter') bench.keys.push(e.timeStamp);
  }, true);

  // inFrame: called from a frame's animation callbacks, so that frame paints
  // what has a box now, and a task posted now runs after it.
  function painted(host, inFrame) {
    var button = host.shadowRoot && host.shadowRoot.querySelector('button');
    if (!button || button.getBoundingClientRect().width === 0) return requestAnimationFrame(function () { painted(host, true); });
    function afterThisFrame() {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () {
        bench.visible = performance.now();
        bench.visibleChecked = button.checkVisibility();
      };
      channel.port2.postMessage(null);
    }
    if (inFrame) afterThisFrame();
    else requestAnimationFrame(afterThisFrame);
  }
  var observer = new MutationObserver(function () {
    var host = document.querySelector('natter-widget, bench-plain');
    if (!host) return;
    observer.disconnect();
    bench.inDom = performance.now();
    painted(host);
  });
  observer.observe(document, { childList: true, subtree: true });
})();
