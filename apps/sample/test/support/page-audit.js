// Accessibility checks that run inside the dashboard's page, injected by the browser suite
// with `page.addInitScript` (plain browser JavaScript, no library): the WCAG 2 contrast of
// every visible text against its effective background, the focus ring, and the accessible
// names of controls. Called from the tests as `window.pageAudit.<check>()`.
/* global window, document, getComputedStyle, NodeFilter, SVGElement, HTMLInputElement, HTMLSelectElement */
(() => {
  /** `rgb(…)` / `rgba(…)` as computed styles give them, or undefined for anything else. */
  function rgba(value) {
    const match = /^rgba?\(([^)]*)\)$/.exec(value.trim());
    if (!match) return undefined;
    const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }

  /** `top` painted over the opaque `bottom`. */
  function over(top, bottom) {
    const mix = (t, b) => t * top.a + b * (1 - top.a);
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
  }

  /**
   * What `element` is painted on: the backgrounds of it and its ancestors up to the first
   * opaque one, composited over the canvas (white). A background image can not be read:
   * it is reported instead.
   */
  function backgroundOf(element) {
    const layers = [];
    for (let at = element; at; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.backgroundImage !== 'none') return { image: style.backgroundImage };
      const color = rgba(style.backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  }

  /** WCAG 2 relative luminance. */
  function luminance({ r, g, b }) {
    const linear = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  }

  function ratio(one, two) {
    const [light, dark] = [luminance(one), luminance(two)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  }

  /** The product of the opacities of `element` and its ancestors. */
  function opacityOf(element) {
    let opacity = 1;
    for (let at = element; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity);
    return opacity;
  }

  const css = ({ r, g, b, a }) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${Number(a.toFixed(2))})`;
  const inactive = (element) => element.closest('button:disabled, select:disabled, input:disabled, [aria-disabled="true"]') !== null;

  /** One text's contrast, or its failure. */
  function measure(element, text, colorValue) {
    const style = getComputedStyle(element);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const required = large ? 3 : 4.5;
    const background = backgroundOf(element);
    const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 40);
    const where = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.classList.length ? `.${[...element.classList].join('.')}` : ''}`;
    if (background.image) return { text: snippet, where, problem: `background image ${background.image}` };
    const color = rgba(colorValue);
    if (!color) return { text: snippet, where, problem: `colour ${colorValue} not understood` };
    const painted = over({ ...color, a: color.a * opacityOf(element) }, background);
    const found = ratio(painted, background);
    return found + 1e-9 < required ? { text: snippet, where, color: css(painted), background: css(background), ratio: Number(found.toFixed(2)), required } : undefined;
  }

  /** Whether a text node shows on the page (its own box, not off-screen like a skip link at rest). */
  function shown(node) {
    const element = node.parentElement;
    if (!element || !element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0;
  }

  /**
   * Every visible text of the page (text nodes, SVG text, the values and placeholders of
   * inputs, the shown option of selects) below its WCAG AA contrast: 4.5:1, 3:1 for large text.
   */
  function contrast() {
    const failures = [];
    let checked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || !element || element.closest('select, option, script, style') || inactive(element) || !shown(node)) continue;
      checked++;
      const style = getComputedStyle(element);
      const failure = measure(element, node.textContent, element instanceof SVGElement ? style.fill : style.color);
      if (failure) failures.push(failure);
    }
    for (const control of document.querySelectorAll('input, select')) {
      if (inactive(control) || !control.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const placeholder = control instanceof HTMLInputElement && control.value === '' && control.placeholder !== '';
      const text = control instanceof HTMLSelectElement ? (control.selectedOptions[0]?.textContent ?? '') : placeholder ? control.placeholder : control.value;
      if (!text.trim()) continue;
      checked++;
      const failure = measure(control, text, getComputedStyle(control, placeholder ? '::placeholder' : null).color);
      if (failure) failures.push(failure);
    }
    return { checked, failures };
  }

  /** The focused element's outline: style, width, and contrast against what it surrounds (3:1 wanted). */
  function focusRing() {
    const element = document.activeElement;
    if (!element || element === document.body) return undefined;
    const style = getComputedStyle(element);
    const color = rgba(style.outlineColor);
    const background = backgroundOf(element.parentElement ?? element);
    return {
      name: accessibleName(element),
      style: style.outlineStyle,
      widthPx: parseFloat(style.outlineWidth),
      ratio: color && !background.image ? Number(ratio(over(color, background), background).toFixed(2)) : 0,
    };
  }

  /** The text of a label without the controls inside it (a select's options are not its name). */
  function labelText(label) {
    const copy = label.cloneNode(true);
    copy.querySelectorAll('select, input, textarea, button').forEach((control) => control.remove());
    return copy.textContent;
  }

  /** A simplified accessible name: aria-labelledby, aria-label, labels, content (links, buttons), title. */
  function accessibleName(element) {
    const clean = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) return clean(labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
    const label = clean(element.getAttribute('aria-label'));
    if (label) return label;
    if (element.labels && element.labels.length > 0) return clean([...element.labels].map(labelText).join(' '));
    if (element instanceof HTMLInputElement && ['submit', 'button', 'reset'].includes(element.type)) return clean(element.value);
    if (['A', 'BUTTON', 'SUMMARY'].includes(element.tagName)) {
      const content = clean(element.textContent);
      if (content) return content;
    }
    return clean(element.getAttribute('title'));
  }

  /** Every control (and every element whose role needs a name), with its accessible name. */
  function names() {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"]), [role="img"], [role="progressbar"], [role="group"], [role="search"]';
    return [...document.querySelectorAll(selector)].map((element) => ({
      tag: element.tagName.toLowerCase(),
      id: element.id,
      html: element.outerHTML.slice(0, 80),
      name: accessibleName(element),
    }));
  }

  window.pageAudit = { contrast, focusRing, names, accessibleName: () => (document.activeElement ? accessibleName(document.activeElement) : '') };
})();
