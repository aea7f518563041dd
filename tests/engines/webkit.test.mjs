// The engine stories (stories/*.mjs) in WebKitGTK.
import { runEngine } from './run-engine.mjs';

runEngine('webkit');
