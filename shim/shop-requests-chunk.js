// Entry of the shop requests chunk (natter.shoprequests.<hash>.js, manifest
// key shop_requests_js): the fetch of the shop's token endpoint
// (token-fetch.js) and of the release channel pointer (release-channel.js).
// Its only statement hands them to the hook load-shop-requests.js set.
import { createTokenFetch } from './token-fetch.js';
import { createChannelCheck } from './release-channel.js';

window.natter.__shopRequests({ createTokenFetch, createChannelCheck });
