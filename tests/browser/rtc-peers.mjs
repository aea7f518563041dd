// The page's own peer connections, for tests that ask Chromium's getStats
// how the selected pair travels (not the shim's report of it).
//
//   await openConnected(stack, { onPage: keepPeerConnections });
//   await openConnected(stack, { onPage: (page) => keepPeerConnections(page, { relayOnly: true }) });
//   await selectedLocalCandidate(s.page) // {candidateType, relayProtocol, url, protocol} | null

// Keeps every RTCPeerConnection the page makes in window.__pcs. relayOnly:
// each one (and each restart's configuration) with iceTransportPolicy
// "relay", as behind a firewall that lets only the relay through.
export const keepPeerConnections = (page, { relayOnly = false } = {}) => page.addInitScript((relay) => {
  const Native = window.RTCPeerConnection;
  const policy = (config = {}) => (relay ? { ...config, iceTransportPolicy: 'relay' } : config);
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config, ...rest) { super(policy(config), ...rest); window.__pcs.push(this); }
    setConfiguration(config) { return super.setConfiguration(policy(config)); }
  };
}, relayOnly);

// The newest peer connection's selected local candidate, or null.
export const selectedLocalCandidate = (page) => page.evaluate(async () => {
  const stats = await window.__pcs.at(-1).getStats();
  let local = null;
  stats.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) local = stats.get(stats.get(r.selectedCandidatePairId).localCandidateId);
  });
  return local && { candidateType: local.candidateType, relayProtocol: local.relayProtocol, url: local.url, protocol: local.protocol };
});
