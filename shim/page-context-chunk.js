// Entry of the page context chunk (natter.pagecontext.<hash>.js, manifest
// key page_context_js): the page watch (page-context.js) with the gateway's
// checker. Its only statement hands it to the hook load-page-context.js set.
import { createPageWatch } from './page-context.js';

window.natter.__pageContext({ createPageWatch });
