/**
 * An element with these attributes and this content. The kit's shadow DOM is built with DOM
 * calls, never HTML from a string: a page whose Content-Security-Policy requires Trusted Types
 * refuses those.
 */
export function h(tag: string, attributes: Record<string, string>, ...content: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...content);
  return element;
}
