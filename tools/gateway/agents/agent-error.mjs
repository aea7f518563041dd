// Why an adapter gave up on a turn. The message is for the gateway's log
// (it may name the shop's URL or status); the shopper only ever sees the
// protocol's fixed agent_failed event (agent-runs.mjs).
export class AgentError extends Error {}
