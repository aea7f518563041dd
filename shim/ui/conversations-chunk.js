// Entry of the conversations chunk (natter.conversations.<hash>.js,
// manifest key conversations_js): the list of the shopper's conversations
// and its CSS. Its only statement hands it to the hook
// load-conversations.js set. Downloaded only on a page with
// data-conversations="multiple".
import { createConversations } from './conversations.js';

window.natter.__conversations({ createConversations });
