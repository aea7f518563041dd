// Staff typing to the shopper's socket (docs/protocol.md, "Presence"):
// the staff API publishes through the store (memory: in process; Redis:
// pub/sub, so the instance holding the socket hears it), and this sends
// `{"type": "typing", "name", "seq"}` to a widget whose hello said
// `features: ["presence"]`. Not an event of the log: never replayed; the
// widget expires it on its own, and `seq` lets it drop a signal older than
// a staff message it already shows.
export function attachTyping({ store, current }) {
  return store.onTyping((id, typing) => {
    const conn = current.get(id);
    if (!conn || conn.replaced || !conn.welcomed || !conn.features.has('presence')) return;
    conn.send({ type: 'typing', name: typing.name, seq: typing.seq });
  });
}
