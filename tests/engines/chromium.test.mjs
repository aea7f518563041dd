// The engine stories (stories/*.mjs) in Chromium.
import { runEngine } from './run-engine.mjs';

runEngine('chromium');
import { runDeployStories } from './deploy.mjs';

runDeployStories('chromium');
