// The engine stories (stories/*.mjs) in WebKitGTK.
import { runEngine } from './run-engine.mjs';

runEngine('webkit');
import { runDeployStories } from './deploy.mjs';

runDeployStories('webkit');
