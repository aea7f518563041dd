// The host page's handle on a core that runs in the core frame, over the
// MessagePort the handshake gave us (frame-protocol.js). It stands in for
// the NatterCore (shim/core-api.js) where the host reads it synchronously:
// conversationId(), statsJson() and identityJson() answer from the frame's
// last reply.
//
//   const remote = createRemoteCore(port);
//   await remote.create(configJson, wasmEntry);  // rejects with the frame's message
//   remote.onHandled((reply) => …);               // every `handled`, in order
//   remote.handle(eventJson, now);                // no return value: the reply comes later
//   remote.delete();                              // frees the frame's core; later replies are dropped
//
// onDelete runs once, after the port is closed: open-frame.js removes the
// iframe there, so a core that is replaced (another conversation, a restart
// after a failure) leaves no frame behind.

export function createRemoteCore(port, { onDelete = () => {} } = {}) {
  let last = { conversation_id: '', deadline: -1, stats: '{}', identity: '{}' };
  let pendingCreate = null;
  let handled = () => {};
  let closed = false;

  const remember = (reply) => {
    last = {
      conversation_id: reply.conversation_id, deadline: reply.deadline, stats: reply.stats, identity: reply.identity ?? '{}',
    };
  };

  port.onmessage = (e) => {
    const reply = e.data;
    if (closed || !reply) return;
    if (reply.type === 'handled') {
      remember(reply);
      handled(reply);
    } else if ((reply.type === 'created' || reply.type === 'failed') && pendingCreate) {
      const { resolve, reject } = pendingCreate;
      pendingCreate = null;
      if (reply.type === 'created') {
        remember(reply);
        resolve();
      } else {
        reject(new Error(reply.message));
      }
    }
  };

  return {
    create(config, wasm) {
      return new Promise((resolve, reject) => {
        pendingCreate = { resolve, reject };
        port.postMessage({ type: 'create', config, wasm });
      });
    },
    handle(event, now) {
      if (!closed) port.postMessage({ type: 'handle', event, now });
    },
    onHandled(fn) {
      handled = fn;
    },
    conversationId: () => last.conversation_id,
    statsJson: () => last.stats,
    identityJson: () => last.identity,
    nextDeadline: () => last.deadline,
    delete() {
      if (closed) return;
      closed = true;
      port.postMessage({ type: 'dispose' });
      port.close();
      onDelete();
    },
  };
}
