// The engine stories (stories/*.mjs) in Firefox ESR.
import { runEngine } from './run-engine.mjs';

runEngine('firefox');
import { runDeployStories } from './deploy.mjs';

runDeployStories('firefox');
