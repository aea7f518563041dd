// Runs every story group against one engine: one reference server and one
// browser for the whole file, the server reset before each story. A story
// an engine cannot run is registered as skipped with its reason, so it
// shows in node's summary line ("# skipped N"), never silently left out.
import { test, before, after, beforeEach } from 'node:test';
import { startReferenceServer } from '../browser/harness.mjs';
import { textStories } from './stories/text.mjs';
import { sessionStories } from './stories/session.mjs';
import { voiceStories } from './stories/voice.mjs';

export const STORY_GROUPS = { text: textStories, session: sessionStories, voice: voiceStories };

export function runEngine(engine, { serverOptions = {}, launchOptions = {} } = {}) {
  const env = { engine, browser: null, stack: null };
  before(async () => {
    const { launch } = await import(`./drivers/${engine}.mjs`);
    env.stack = await startReferenceServer(serverOptions);
    env.browser = await launch(launchOptions);
  });
  after(async () => { await env.browser?.close(); await env.stack?.server.close(); });
  beforeEach(() => env.stack.resetServer());
  // Which stories this engine cannot run is known before the browser starts
  // (from the driver's declared abilities), so skips are decided by name.
  for (const [group, stories] of Object.entries(STORY_GROUPS)) {
    for (const story of stories) {
      const reason = story.skipFor?.[engine];
      test(`${engine} · ${group}: ${story.name}`, reason ? { skip: reason } : {}, async (t) => {
        const why = story.skip?.(env);
        if (why) { t.skip(why); return; }
        if (story.before) await story.before(env);
        await story.run(env);
      });
    }
  }
}
