export const voiceStories = [];
