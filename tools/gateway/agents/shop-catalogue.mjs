// The shop's catalogue file for the `openai` adapter's tools (docs/agents.md):
// JSON (an array of products, or {"products": [...]}) or CSV with a header
// row. Fields: name, price, currency, url (required); image, tags, id,
// trade_in (optional). CSV tags are separated by ";" or "|"; JSON tags are
// an array or such a string. `trade_in` is what the shop pays for a used
// one in good condition (the trade_in_quote tool).
//
// loadCatalogue(file) → [{id, name, price, currency, url, image_url?, tags, trade_in?}]
// or throws an Error naming the file, the row and the field.
import { readFileSync } from 'node:fs';
import { checkProduct } from './reply-events.mjs';

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += c;
  }
  if (quoted) throw new Error('a quoted CSV field is not closed');
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function csvRecords(text) {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const names = header.map((h) => h.trim().toLowerCase());
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, (row[i] ?? '').trim()])));
}

function jsonRecords(text) {
  const value = JSON.parse(text);
  const list = Array.isArray(value) ? value : value?.products;
  if (!Array.isArray(list)) throw new Error('JSON must be an array of products or {"products": [...]}');
  return list;
}

function slug(url) {
  return new URL(url).pathname.split('/').filter(Boolean).pop() ?? url;
}

// One record → a product, or throws naming the field.
function toProduct(record, row) {
  const where = `row ${row}`;
  if (!record || typeof record !== 'object') throw new Error(`${where}: a product must be an object`);
  const price = typeof record.price === 'number' ? record.price.toFixed(2) : String(record.price ?? '').trim();
  const raw = { ...record, price, image_url: record.image || record.image_url || undefined };
  let id = record.id === undefined || record.id === '' ? undefined : String(record.id);
  if (id === undefined) {
    try { id = slug(record.url); } catch { id = ''; }
  }
  const card = checkProduct({ ...raw, id });
  if (typeof card === 'string') throw new Error(`${where}: ${card.replace('card.product.', '')}`);
  const tags = Array.isArray(record.tags) ? record.tags.map(String)
    : String(record.tags ?? '').split(/[;|]/);
  const product = { ...card, tags: tags.map((t) => t.trim().toLowerCase()).filter(Boolean) };
  if (record.trade_in !== undefined && record.trade_in !== '') {
    const value = Number(record.trade_in);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${where}: trade_in must be a non-negative number`);
    product.trade_in = value;
  }
  return product;
}

export function parseCatalogue(text, format) {
  const records = format === 'csv' ? csvRecords(text) : jsonRecords(text);
  const products = records.map((record, i) => toProduct(record, format === 'csv' ? i + 2 : i + 1));
  const seen = new Set();
  for (const p of products) {
    if (seen.has(p.id)) throw new Error(`two products have the id ${JSON.stringify(p.id)}`);
    seen.add(p.id);
  }
  if (products.length === 0) throw new Error('the catalogue has no products');
  return products;
}

export function loadCatalogue(file) {
  const format = /\.csv$/i.test(file) ? 'csv' : /\.json$/i.test(file) ? 'json' : null;
  if (!format) throw new Error(`${file}: the catalogue must be a .json or .csv file`);
  try {
    return parseCatalogue(readFileSync(file, 'utf8'), format);
  } catch (error) {
    throw new Error(`${file}: ${error.message}`);
  }
}
