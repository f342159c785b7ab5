// Helpers shared by the panels, with no page state: building elements, and the page's one plain
// fetch. Every Daily API call goes through the package's DailyDialinClient; plain fetch is used
// only for the dev server's own routes (/demo/*) and the emulator's admin routes (/_emulator/*),
// which are not Daily's API.

export const $ = (id) => document.getElementById(id);

/** Creates an element: el('p', { class: 'x', text: 'y' }, child...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c);
  return node;
}

/** A `<dt>`/`<dd>` pair of a details list, or nothing when there is no value. */
export function detail(label, value, cls) {
  if (value === undefined || value === null || value === '') return [];
  return [el('dt', { text: label }), el('dd', {}, el('span', { class: cls ?? 'wrap', text: value }))];
}

/** A request to the dev server's own routes; throws with the status and Daily-style `info`. */
export async function admin(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const value = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path} failed with ${r.status}${value.info ? `: ${value.info}` : ''}`);
  return value;
}
