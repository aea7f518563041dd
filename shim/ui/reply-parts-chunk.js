// Entry of the reply parts chunk (natter.replyparts.<hash>.js, manifest key
// reply_parts_js): product cards and reply chips with their CSS and
// English. Its only statement hands them to the hook load-reply-parts.js
// set.
import { createReplyParts } from './reply-parts.js';

window.natter.__replyParts({ createReplyParts });
