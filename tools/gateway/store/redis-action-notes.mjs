// What the gateway keeps about actions in the shop's page besides the
// ledger's claims, in the Redis store (the in-memory twin, with the rules,
// is memory-action-notes.mjs), each key kept runTtlMs from its last write:
//   nt:{<id>}:proposal:<action id>  {name, args} as the agent proposed it
//   nt:{<id>}:action-log            the last ACTION_LOG_KEPT results (staff)
//   nt:{<id>}:action-fresh          results not yet handed to the agent
import { ACTION_LOG_KEPT, ACTION_RESULTS_PER_TURN } from './memory-action-notes.mjs';

export class RedisActionNotes {
  #client;
  #limits;

  constructor({ client, limits }) {
    this.#client = client;
    this.#limits = limits;
  }

  async saveProposal(id, actionId, value) {
    await this.#client.set(`nt:{${id}}:proposal:${actionId}`, JSON.stringify(value), { PX: this.#limits.runTtlMs });
  }

  async readProposal(id, actionId) {
    const text = await this.#client.get(`nt:{${id}}:proposal:${actionId}`);
    return text === null ? null : JSON.parse(text);
  }

  async addActionResult(id, entry) {
    const text = JSON.stringify(entry);
    const log = `nt:{${id}}:action-log`;
    const fresh = `nt:{${id}}:action-fresh`;
    const ttl = this.#limits.runTtlMs;
    await this.#client.multi()
      .rPush(log, text).lTrim(log, -ACTION_LOG_KEPT, -1).pExpire(log, ttl)
      .rPush(fresh, text).lTrim(fresh, -ACTION_RESULTS_PER_TURN, -1).pExpire(fresh, ttl)
      .exec();
  }

  // In one step (MULTI): two turns at once never both get the same result.
  async takeActionResults(id) {
    const fresh = `nt:{${id}}:action-fresh`;
    const [items] = await this.#client.multi().lRange(fresh, 0, -1).del(fresh).exec();
    return items.map((t) => JSON.parse(t));
  }

  async actionResults(id) {
    return (await this.#client.lRange(`nt:{${id}}:action-log`, 0, -1)).map((t) => JSON.parse(t));
  }
}
