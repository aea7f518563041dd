// What the voice benches' pages (ear-page.mjs, rung-page.mjs) share: an
// AudioWorklet processor of the bench's own, loaded into every worklet the
// page's AudioContexts open (before the widget's own module), probe nodes
// that listen to a node's output, and a hook on the widget's playback node
// ('natter-playback': what leaves for the speaker). Installed before any
// page script (addInitScript), as window.__benchTaps:
//   addProcessor(source): a processor's source, loaded with every addModule;
//   probe(ctx, node, name, options, onmessage): a `name` node fed by `node`,
//     pulled by the destination but writing nothing, its port's messages to
//     onmessage;
//   onPlayback(fn): fn(ctx, node) for each playback node the widget makes.

export function installWorkletTaps(page) {
  return page.addInitScript(() => {
    if (window !== window.top || window.__benchTaps) return;
    const sources = [];
    const playbackHooks = [];
    const addModule = AudioWorklet.prototype.addModule;
    const tapsLoaded = new WeakMap();
    AudioWorklet.prototype.addModule = function (url, options) {
      if (!tapsLoaded.has(this)) tapsLoaded.set(this, Promise.all(sources.map((src) => addModule.call(this, src))));
      return Promise.all([tapsLoaded.get(this), addModule.call(this, url, options)]).then(() => undefined);
    };
    const Native = window.AudioWorkletNode;
    window.AudioWorkletNode = class extends Native {
      constructor(ctx, name, options) {
        super(ctx, name, options);
        if (name === 'natter-playback') for (const fn of playbackHooks) fn(ctx, this);
      }
    };
    window.__benchTaps = {
      addProcessor(source) {
        sources.push(URL.createObjectURL(new Blob([source], { type: 'application/javascript' })));
      },
      probe(ctx, node, name, options, onmessage) {
        const probe = new Native(ctx, name, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], ...options });
        node.connect(probe);
        probe.connect(ctx.destination); // silent: it writes nothing, but is pulled
        probe.port.onmessage = onmessage;
        return probe;
      },
      onPlayback(fn) { playbackHooks.push(fn); },
    };
  });
}
