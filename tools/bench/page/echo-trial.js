// One trial of the echo canceller bench (tools/bench/echo-canceller.mjs), in
// a page on a secure origin: the agent's speech played by `path` while the
// microphone is captured with `constraints`; returns the microphone's RMS
// over the speech (sampled every 20 ms from an AnalyserNode).
//   element  the widget's way (shim/voice): WebAudio -> a MediaStream
//            destination -> an <audio> element's srcObject
//   silent   the same element playing silence (the shopper alone)
//   track    the same stream sent through a WebRTC peer connection inside
//            the page and played as the remote track: an RTP downlink
window.echoTrial = async ({ path, constraints, farUrl }) => {
  const ctx = new AudioContext({ sampleRate: 48000 });
  await ctx.resume();
  const far = await ctx.decodeAudioData(await (await fetch(farUrl)).arrayBuffer());
  const mic = await navigator.mediaDevices.getUserMedia({ audio: constraints });
  const applied = mic.getAudioTracks()[0].getSettings().echoCancellation;
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  ctx.createMediaStreamSource(mic).connect(analyser);
  const block = new Float32Array(analyser.fftSize);
  const energy = () => {
    analyser.getFloatTimeDomainData(block);
    let sum = 0;
    for (const v of block) sum += v * v;
    return sum / block.length;
  };

  const source = ctx.createBufferSource();
  source.buffer = far;
  const stream = ctx.createMediaStreamDestination();
  const gain = ctx.createGain();
  gain.gain.value = path === 'silent' ? 0 : 1;
  source.connect(gain).connect(stream);
  const out = document.createElement('audio');
  document.body.append(out);
  const peers = [];
  if (path === 'track') {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    peers.push(a, b);
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const remote = new Promise((resolve) => { b.ontrack = (e) => resolve(new MediaStream([e.track])); });
    a.addTrack(stream.stream.getAudioTracks()[0]);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    out.srcObject = await remote;
  } else {
    out.srcObject = stream.stream;
  }
  await out.play();
  await new Promise((r) => { setTimeout(r, 1000); }); // the output running, the canceller settled on silence
  source.start();
  const samples = [];
  const end = performance.now() + far.duration * 1000;
  while (performance.now() < end) {
    samples.push(energy());
    await new Promise((r) => { setTimeout(r, 20); });
  }
  mic.getTracks().forEach((t) => t.stop());
  peers.forEach((p) => p.close());
  out.srcObject = null;
  await ctx.close();
  return { applied, rms: Math.sqrt(samples.reduce((s, v) => s + v, 0) / samples.length) };
};
