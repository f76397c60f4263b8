// Building elements: text always goes in as text nodes, never as markup.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Creates `<tag>` with attributes (`on…` are listeners) and children; strings become text. */
export function h<Tag extends keyof HTMLElementTagNameMap>(tag: Tag, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes and children. */
export function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element as SVGElement;
}

function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/**
 * Replaces the children of `parent`. Live updates redraw rows and buttons, so the focus
 * is kept: when a focused element with a `data-focus` key is replaced, the new element
 * with that key takes the focus, or, when it is gone, the first one with a key.
 */
export function replace(parent: Element, ...children: Child[]): void {
  const focused = document.activeElement;
  const key = focused instanceof HTMLElement && parent.contains(focused) ? focused.dataset.focus : undefined;
  parent.replaceChildren();
  append(parent, children);
  if (key === undefined) return;
  const keyed = [...parent.querySelectorAll<HTMLElement>('[data-focus]')];
  (keyed.find((element) => element.dataset.focus === key) ?? keyed[0])?.focus({ preventScroll: true });
}

export function time(epochMs: number | null): string {
  return epochMs === null ? '' : new Date(epochMs).toLocaleTimeString(undefined, { hour12: false }) + '.' + String(epochMs % 1000).padStart(3, '0');
}

export function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function bytes(value: number | null): string {
  return value === null ? '' : `${(value / 1024 / 1024).toFixed(1)} MB`;
}
