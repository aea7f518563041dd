// What the scripted voice agent says: one greeting, then a short rotating
// list of storefront replies (the n-th answer in a call is replies[n % len]).
export const DEFAULT_AGENT_LINES = Object.freeze({
  greeting: 'Hi, welcome to the shop! I can help you find a game, a console or an accessory. What are you looking for?',
  replies: Object.freeze([
    'Sure. We have that in stock, and it ships tomorrow.',
    'Good choice. Would you like me to add it to your cart?',
    'The most popular one this week is the wireless controller, at fifty nine euros.',
    'I can also show you the bundles, which save about twenty percent.',
  ]),
});
